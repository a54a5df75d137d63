/** The product token robots.txt groups are matched against (RFC 9309 §2.2.1). */
export const ROBOTS_AGENT = 'SwardBot';
