/**
 * The project folder without starting git (before the UI's first frame): in the plain cases
 * the quick look answers exactly what `git rev-parse --show-toplevel` does; in the others
 * (worktree `.git` files, inside `.git`, git variables, a broken `.git`) it leaves it to git.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitRoot, gitRootQuick } from '../lib/cli/context';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-gitroot-')));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
function byGit(dir: string): string | null {
  try {
    return git(dir, 'rev-parse', '--show-toplevel') || null;
  } catch {
    return null;
  }
}
const mkdir = (...p: string[]): string => {
  const d = path.join(root, ...p);
  fs.mkdirSync(d, { recursive: true });
  return d;
};

describe('gitRootQuick', () => {
  const repo = mkdir('repo');
  git(repo, 'init', '-q');
  git(repo, '-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-q', '--allow-empty', '-m', 'x');
  const nested = mkdir('repo', 'a', 'inner');
  git(nested, 'init', '-q');
  const deep = mkdir('repo', 'a', 'inner', 'x', 'y');
  const sub = mkdir('repo', 'a', 'b');
  const plain = mkdir('plain', 'sub');
  const link = path.join(root, 'link');
  fs.symlinkSync(sub, link);
  const broken = mkdir('repo', 'broken');
  fs.mkdirSync(path.join(broken, '.git'));
  const wt = path.join(root, 'wt');
  git(repo, 'worktree', 'add', '-q', wt);

  test.each([
    ['the repository itself', repo],
    ['a folder inside it', sub],
    ['a nested repository', deep],
    ['through a symbolic link', link],
  ])('%s: the same folder as git, without git', (_name, dir) => {
    expect(gitRootQuick(dir, {})).toBe(byGit(dir));
    expect(gitRootQuick(dir, {})).not.toBeNull();
  });

  test('no repository up to the root: null, as git says', () => {
    expect(byGit(plain)).toBeNull();
    expect(gitRootQuick(plain, {})).toBeNull();
  });

  test.each([
    ['a worktree (.git is a file)', wt],
    ['inside .git', path.join(repo, '.git', 'refs')],
    ['a .git folder without HEAD', broken],
  ])('%s: left to git, and gitRoot still answers as git does', (_name, dir) => {
    expect(gitRootQuick(dir, {})).toBeUndefined();
    expect(gitRoot(dir)).toBe(byGit(dir));
  });

  test('git variables set: left to git', () => {
    expect(gitRootQuick(sub, { GIT_DIR: path.join(repo, '.git') })).toBeUndefined();
    expect(gitRootQuick(sub, { GIT_CEILING_DIRECTORIES: root })).toBeUndefined();
  });
});
