/** True when `host` is `domain` or a sub-domain of it (label boundary, so "badexample.com" ≠ "example.com"). */
export function matchesDomain(host: string, domain: string): boolean {
  const h = normaliseHost(host);
  return h === domain || h.endsWith(`.${domain}`);
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

export interface DomainLists {
  readonly allowDomains: readonly string[];
  readonly denyDomains: readonly string[];
}

/** The operator's lists: a denied match always refuses; a non-empty allow list refuses everything else. */
export function domainRefusal(host: string, lists: DomainLists): string | null {
  const denied = lists.denyDomains.find((d) => matchesDomain(host, d));
  if (denied) return `${normaliseHost(host)} is on the operator's deny list (${denied})`;
  if (lists.allowDomains.length > 0 && !lists.allowDomains.some((d) => matchesDomain(host, d)))
    return `${normaliseHost(host)} is not on the operator's allow list`;
  return null;
}
