import { describe, expect, test } from '@jest/globals';
import { featuresOf, parseTmuxVersion, versionProblem } from '../lib/control/version';

describe('tmux versions', () => {
  test.each([
    ['tmux 3.2', 3, 2, '', false],
    ['tmux 3.2a', 3, 2, 'a', false],
    ['tmux 3.3a\n', 3, 3, 'a', false],
    ['tmux 3.4', 3, 4, '', false],
    ['tmux 3.5a', 3, 5, 'a', false],
    ['tmux 3.6', 3, 6, '', false],
    ['tmux next-3.7', 3, 7, '', true],
    ['tmux 3.7c', 3, 7, 'c', false],
    ['tmux 3.1-rc2', 3, 1, '', false],
  ])('%s', (raw, major, minor, patch, dev) => {
    expect(parseTmuxVersion(raw)).toMatchObject({ major, minor, patch, development: dev });
  });
  test('master and unparseable', () => {
    expect(parseTmuxVersion('tmux master')!.development).toBe(true);
    expect(versionProblem(parseTmuxVersion('tmux master'))).toBeNull();
    expect(parseTmuxVersion('garbage')).toBeNull();
    expect(versionProblem(null)).toMatch(/could not read/);
  });
  test('refuses < 3.2 with a clear message', () => {
    expect(versionProblem(parseTmuxVersion('tmux 3.1c'))).toMatch(/3\.1c is too old: chatmux needs tmux 3\.2 or newer/);
    expect(versionProblem(parseTmuxVersion('tmux 2.9'))).toMatch(/too old/);
    expect(versionProblem(parseTmuxVersion('tmux 3.2'))).toBeNull();
  });
  test('feature gates', () => {
    expect(featuresOf(parseTmuxVersion('tmux 3.2a')!).perWindowSize).toBe(false);
    expect(featuresOf(parseTmuxVersion('tmux 3.3a')!).perWindowSize).toBe(true);
    expect(featuresOf(parseTmuxVersion('tmux 3.6')!).paneOffSafe).toBe(false);
    expect(featuresOf(parseTmuxVersion('tmux 3.7')!).paneOffSafe).toBe(true);
  });
});
