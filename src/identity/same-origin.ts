/**
 * Is a form post from our own pages? Routes exempt from the CSRF token (`config.csrf: false`: sign-in,
 * the token endpoint, the demo provider) must still refuse a post a foreign site makes the browser send,
 * or a login CSRF signs the victim into the attacker's account. Browsers say where a request comes from
 * (`Sec-Fetch-Site`, `Origin`, else `Referer`); a client that sends none of them is no browser on a
 * foreign page (curl, an agency's system) and may go on.
 *
 * Returns why the request is refused, or undefined when it may go on.
 */
export function crossSiteReason(
  headers: Record<string, string | string[] | undefined>,
  allowedOrigin: string,
): string | undefined {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const fetchSite = one('sec-fetch-site');
  // 'none' is a navigation the user started (address bar, bookmark); 'same-site' is another origin of
  // the same site (a sibling subdomain), which is no more ours than a foreign one.
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `Sec-Fetch-Site: ${fetchSite}`;
  }
  const origin = one('origin');
  if (origin !== undefined) {
    // 'null' is what sandboxed frames and some redirects send: nobody can say it is us.
    return origin === allowedOrigin ? undefined : `Origin ${origin.slice(0, 100)}`;
  }
  const referer = one('referer');
  if (referer !== undefined) {
    return originOf(referer) === allowedOrigin ? undefined : 'Referer of another origin';
  }
  return undefined;
}

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}
