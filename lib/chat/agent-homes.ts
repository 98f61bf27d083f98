/**
 * Per-chat config homes for vendor CLIs pointed at a custom endpoint (`-e`).
 *
 * Both CLIs write to their config on every start (codex adds `[tui]` keys to config.toml,
 * claude rewrites `.claude.json`) and both stop at first-run prompts (folder trust; claude's
 * onboarding, which probes api.anthropic.com whatever the base URL). A chat with its own
 * endpoint therefore gets its own `CODEX_HOME` / `CLAUDE_CONFIG_DIR` under the chat's state
 * folder, seeded with exactly those answers, and the user's own files are never read or
 * written. Nothing secret is copied or written: the key stays in the session environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatFiles, type ChatContext } from './context';
import type { ChatRecord } from './registry';

export function chatCodexHome(ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>): string {
  return path.join(chatFiles(ctx, chat.ref).dir, 'codex-home');
}

export function chatClaudeConfigDir(ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>): string {
  return path.join(chatFiles(ctx, chat.ref).dir, 'claude-config');
}

/** TOML basic string (JSON escapes are valid TOML escapes; TOML also wants DEL escaped). */
export const tomlString = (s: string): string => JSON.stringify(s).replace(/\x7f/g, '\\u007f');

/** `$CODEX_HOME/config.toml` trusting the chat's folder (written once; codex edits it afterwards). */
export function seedCodexHome(home: string, cwd: string): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, 'config.toml');
  if (fs.existsSync(file)) return;
  const text = [
    '# Written by chatmux for one chat with its own endpoint (see README, "Pointing agents at your own endpoint").',
    `[projects.${tomlString(cwd)}]`,
    'trust_level = "trusted"',
    '',
  ].join('\n');
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/**
 * `$CLAUDE_CONFIG_DIR/.claude.json` with onboarding done and the chat's folder trusted; claude
 * keeps its own fields in the same file, so merge rather than overwrite.
 */
export function seedClaudeConfig(dir: string, cwd: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, '.claude.json');
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    /* missing or unreadable: start from nothing */
  }
  // claude registers a claude-cli:// URL handler under ~/.local/share/applications unless told not to.
  const settings = path.join(dir, 'settings.json');
  if (!fs.existsSync(settings)) fs.writeFileSync(settings, JSON.stringify({ disableDeepLinkRegistration: 'disable' }, null, 2) + '\n', { mode: 0o600 });
  const projects = (data.projects && typeof data.projects === 'object' ? data.projects : {}) as Record<string, Record<string, unknown>>;
  const project = projects[cwd] ?? {};
  if (data.hasCompletedOnboarding === true && project.hasTrustDialogAccepted === true) return;
  data.hasCompletedOnboarding = true;
  projects[cwd] = { ...project, hasTrustDialogAccepted: true };
  data.projects = projects;
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
}
