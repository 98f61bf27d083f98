/**
 * Endpoint URLs for OpenAI-compatible servers. Users paste every variant — `http://host:8000`,
 * `…/v1`, `…/v1/`, even the full `…/v1/chat/completions` — so normalise them all to one base.
 */

export class EndpointError extends Error {
  override name = 'EndpointError';
}

export interface Endpoint {
  /** Base URL ending in the API version segment, no trailing slash, e.g. `http://127.0.0.1:8000/v1`. */
  base: string;
  /** `<base>/chat/completions` */
  chatCompletions: string;
  /** `host:port` for error messages. */
  hostPort: string;
  protocol: 'http:' | 'https:';
}

/** A last path segment like `v1`, `v2`, `v1beta`: the URL already names an API version. */
const VERSION_SEGMENT = /^v\d+[a-z0-9]*$/i;

const CREDENTIALS_MESSAGE = 'endpoint URL must not contain a user or password: put the key in an environment variable and pass --api-key-env VAR';

export function normaliseEndpoint(raw: string): Endpoint {
  // Error messages never repeat a user or password the URL carries, nor its query or fragment
  // (`?api_key=sk-…` is where a key pasted into a URL usually sits).
  const redacted = raw.replace(/([?#])[^]*$/, '$1…').replace(/^([^:/?#]*:\/\/)[^@\s]*@/, '$1…@');
  const shown = JSON.stringify(redacted.length > 200 ? redacted.slice(0, 200) + '…' : redacted);
  const text = raw.trim();
  if (!text) throw new EndpointError('endpoint URL is empty: give -e http://HOST:PORT (with or without /v1)');
  // WHATWG URL parsing silently drops tabs and newlines; refuse them instead of guessing.
  if (/[\u0000-\u001f\u007f-\u009f\s]/.test(text)) throw new EndpointError(`endpoint URL ${shown} contains spaces or control characters`);
  // WHATWG URL parsing also "repairs" `http:host`, `http:/host`, `http:\\host` and takes the
  // `v1` of `http:///v1` for a host: ask for the plain form instead of guessing.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') throw new EndpointError(`endpoint URL ${shown} must start with http:// or https://`);
  const authority = /^https?:\/\/([^/?#\\]*)/i.exec(text)?.[1];
  if (authority === undefined) throw new EndpointError(`endpoint URL ${shown} is not a valid URL: give -e http://HOST:PORT (with or without /v1)`);
  // Credentials in the URL would end up in argv, tmux options and the registry.
  if (authority.includes('@')) throw new EndpointError(CREDENTIALS_MESSAGE);
  if (authority === '' || authority.startsWith(':')) throw new EndpointError(`endpoint URL ${shown} has no host`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointError(`endpoint URL ${shown} is not a valid URL: give -e http://HOST:PORT (with or without /v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointError(`endpoint URL ${shown} must start with http:// or https://`);
  }
  if (!url.hostname) throw new EndpointError(`endpoint URL ${shown} has no host`);
  if (url.username || url.password) throw new EndpointError(CREDENTIALS_MESSAGE);
  if (url.port === '0') throw new EndpointError(`endpoint URL ${shown} has port 0`);
  if (url.search || url.hash || /[?#]/.test(text)) throw new EndpointError(`endpoint URL ${shown} must not have a query (?…) or fragment (#…)`);

  let path = url.pathname.replace(/\/+$/, '');
  path = path.replace(/\/chat\/completions$/, '').replace(/\/+$/, '');
  const last = path.split('/').pop() ?? '';
  if (!VERSION_SEGMENT.test(last)) path += '/v1';
  const base = `${url.protocol}//${url.host}${path}`;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return {
    base,
    chatCompletions: `${base}/chat/completions`,
    hostPort: `${url.hostname}:${url.port || defaultPort}`,
    protocol: url.protocol,
  };
}
