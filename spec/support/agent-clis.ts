/**
 * The real agent CLIs for spec/real-cli-*.test.ts, installed by fixtures/install-agent-clis.sh
 * into a cache outside the repo (instant when already there). Decided when the test file loads,
 * so a missing CLI turns its tests into `test.skip` with one `SKIP: <reason>` line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AgentClis {
  codex: string | null;
  claude: string | null;
  /** Why a CLI is missing, keyed by binary name. */
  skip: Partial<Record<'codex' | 'claude', string>>;
}

const SCRIPT = path.resolve(__dirname, '..', '..', 'fixtures', 'install-agent-clis.sh');

let cached: AgentClis | null = null;

export function agentClis(): AgentClis {
  if (cached) return cached;
  const found: AgentClis = { codex: null, claude: null, skip: {} };
  let out = '';
  try {
    out = execFileSync(SCRIPT, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  } catch (e) {
    out = `SKIP: ${path.basename(SCRIPT)} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  for (const line of out.split('\n')) {
    const ok = /^ok (\S+) (.+)$/.exec(line);
    if (ok) {
      const bin = path.basename(ok[2]!);
      if (bin === 'codex' || bin === 'claude') found[bin] = ok[2]!;
    }
  }
  for (const name of ['codex', 'claude'] as const) {
    if (found[name]) continue;
    const reason = out.split('\n').find((l) => l.startsWith('SKIP:') && l.includes(name === 'codex' ? '@openai/codex' : '@anthropic-ai/claude-code')) ?? out.split('\n').find((l) => l.startsWith('SKIP:'));
    found.skip[name] = reason ? reason.replace(/^SKIP:\s*/, '') : `${name}: not installed`;
  }
  cached = found;
  return found;
}

/** `test` when the CLI is there, else `test.skip` after printing the SKIP line once. */
export function skipLine(name: 'codex' | 'claude', clis: AgentClis): void {
  if (!clis[name]) process.stdout.write(`SKIP: real ${name} CLI tests: ${clis.skip[name]}\n`);
}

/**
 * A fake "user" home for the real CLIs: their own codex and claude config files (which chatmux
 * must never change) and the environment pointing the CLIs and chatmux at it.
 */
export function agentUserHome(home: string, clis: AgentClis, files: Record<string, string>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    fs.writeFileSync(path.join(home, rel), text);
  }
  fs.mkdirSync(path.join(home, '.codex'), { recursive: true });
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
  return {
    HOME: home,
    CODEX_HOME: path.join(home, '.codex'),
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    CHATMUX_CODEX_BIN: clis.codex ?? '/nonexistent/codex',
    CHATMUX_CLAUDE_BIN: clis.claude ?? '/nonexistent/claude',
    ...extra,
  };
}
