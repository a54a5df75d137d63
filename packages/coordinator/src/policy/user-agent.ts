/** The product token robots.txt groups are matched against (RFC 9309 §2.2.1). */
export { ROBOTS_AGENT } from '@sward/core';
