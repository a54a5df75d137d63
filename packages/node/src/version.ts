/** The node software version: sent in the session request and the User-Agent. */
export const NODE_VERSION = '0.1.0';
