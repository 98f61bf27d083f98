/**
 * Which environment variables look like credentials. tmux copies the environment of the
 * process that starts its server into the server's global environment, and every process
 * tmux starts later inherits it: a key exported in that one shell would reach every chat
 * for the server's whole life. So nothing matching this rule is given to a tmux process.
 *
 * The rule (deliberately broad: a false positive only means the variable is not inherited
 * from tmux; a chat still gets it from the process that created the chat):
 *  - the NAME, upper-cased, contains KEY, TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE,
 *    CREDENTIAL, AUTH, COOKIE, PRIVATE or DSN; or
 *  - the NAME starts with a vendor's prefix (OPENAI_, ANTHROPIC_, AWS_, GITHUB_, GH_, HF_, …); or
 *  - the VALUE is a URL carrying a user or password (`scheme://user:pass@host`).
 * except SSH_AUTH_SOCK and XAUTHORITY: locations, not secrets, which tmux itself copies from
 * an attaching client (update-environment) so that a terminal's agent and display follow it.
 */

const SECRET_WORDS = ['KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'AUTH', 'COOKIE', 'PRIVATE', 'DSN'];

/** Vendors whose own variables (keys, org ids, base URLs) are never shared through tmux. */
export const VENDOR_PREFIXES = [
  'OPENAI', 'ANTHROPIC', 'AWS', 'AZURE', 'GCP', 'GOOGLE', 'GEMINI', 'GH', 'GITHUB', 'GITLAB', 'HF', 'HUGGING_FACE', 'HUGGINGFACE',
  'MISTRAL', 'GROQ', 'COHERE', 'DEEPSEEK', 'OPENROUTER', 'TOGETHER', 'XAI',
];

const VENDOR_RE = new RegExp(`^(${VENDOR_PREFIXES.join('|')})_`);
/** `scheme://user@host` or `scheme://user:pass@host` (the authority part only). */
const URL_CREDENTIALS_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]*@/;

const NOT_SECRETS = new Set(['SSH_AUTH_SOCK', 'XAUTHORITY']);

export function isSecretName(name: string): boolean {
  if (NOT_SECRETS.has(name)) return false;
  const up = name.toUpperCase();
  return SECRET_WORDS.some((w) => up.includes(w)) || VENDOR_RE.test(up);
}

export function hasUrlCredentials(value: string): boolean {
  return URL_CREDENTIALS_RE.test(value.trim());
}

/** A credential-looking variable: by its name, or a URL with a user or password as its value. */
export function isSecretVar(name: string, value: string | undefined): boolean {
  return isSecretName(name) || (value !== undefined && hasUrlCredentials(value));
}

/** `env` without the credential-looking variables. */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!isSecretVar(k, v)) out[k] = v;
  return out;
}
