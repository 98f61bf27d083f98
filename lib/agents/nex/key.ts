/**
 * The API key comes from the environment variable named by `--api-key-env`, never from argv,
 * and from no other variable: a key exported for one service (OPENAI_API_KEY) must never be
 * sent, as a fallback, to whatever endpoint this chat talks to. Only the variable's NAME is
 * ever shown.
 */

export class KeyEnvError extends Error {
  override name = 'KeyEnvError';
}

export interface NexKey {
  apiKey?: string;
  keyVar?: string;
  /** Shown when the named variable is unset or empty. */
  warning?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function keyFromEnv(varName: string | undefined, env: NodeJS.ProcessEnv = process.env): NexKey {
  if (varName !== undefined) {
    if (!ENV_NAME.test(varName)) throw new KeyEnvError(`--api-key-env ${JSON.stringify(varName)}: give the NAME of an environment variable (letters, digits, _)`);
    const v = env[varName];
    if (!v) return { keyVar: varName, warning: `$${varName} is not set; sending requests without an API key` };
    return { apiKey: v, keyVar: varName };
  }
  return {};
}
