/** Where chatmux runs: without tmux, attached from a plain terminal, inside tmux. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHATMUX, check, until, type Scenario } from '../harness';

/** Scenario 6: tmux is not on PATH: one warning, then a foreground chat that works. */
const noTmux: Scenario = {
  name: 'chat_falls_back_when_tmux_missing',
  async run(h) {
    // A PATH with just what the pane needs, and no tmux.
    const bin = path.join(h.root, 'bin-without-tmux');
    fs.mkdirSync(bin);
    for (const tool of ['sh', 'sleep', 'cat', 'env', 'ls']) {
      const real = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
      if (real) fs.symlinkSync(real, path.join(bin, tool));
    }
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    h.startUi({ env: { PATH: bin } });
    await h.waitScreen(/warning: tmux is not on PATH: chats run as child processes/);
    h.type('echo fallback-works-$((6*7))');
    h.keys('Enter');
    const screen = await h.waitScreen('fallback-works-42');
    const warnings = screen.match(/tmux is not on PATH/g) ?? [];
    check(warnings.length === 1, `the warning was shown ${warnings.length} times`);
    // The chat is a child of this chatmux: no tmux server was started for it.
    check(h.sessions().length === 0, `a tmux server runs on chatmux's socket: ${h.sessions().join(', ')}`);
    const list = h.chats(true, { env: { PATH: bin } });
    check(list.length === 1 && list[0]!.state === 'starting', `while it runs the registry says: ${JSON.stringify(list.map((c) => c.state))}`);
    h.type('exit');
    h.keys('Enter');
    const code = await h.waitExit(8000);
    check(code === 0, `chatmux exited with ${code}`);
    const after = h.chats(true, { env: { PATH: bin } });
    check(after.length === 1 && after[0]!.state === 'closed', `after exit the registry says: ${JSON.stringify(after.map((c) => c.state))}`);
  },
};

/** Scenario 7: `chatmux chat attach` from a plain terminal, from inside another tmux, from inside chatmux's tmux. */
const attach: Scenario = {
  name: 'chat_attach_command_works',
  async run(h) {
    const target = h.newCmdChat('target', 'echo ATTACH-TARGET; exec cat');
    const shell = h.ok(['chat', 'new', '--executor', 'shell', '--name', 'sh']).trim();
    const session = h.chat(target).session;
    const pid = h.panePid(session);

    // 1. A plain terminal (no $TMUX).
    h.startUi({ args: ['chat', 'attach', target], window: 'plain' });
    await h.waitScreen('ATTACH-TARGET', 10000, 'plain');
    h.type('typed-through-attach', 'plain');
    h.keysIn('plain', 'Enter');
    await h.waitScreen(/typed-through-attach[\s\S]*typed-through-attach/, 5000, 'plain');
    h.keysIn('plain', 'C-b', 'd'); // detach (chatmux's tmux keeps the default prefix)
    const code = await h.waitExit(5000, 'plain');
    check(code === 0, `chat attach exited with ${code} after detaching`);
    check(h.panePid(session) === pid, 'detaching stopped the chat');

    // 2. A terminal inside another tmux ($TMUX of the outer server): a nested client.
    h.startUi({ args: ['chat', 'attach', target], window: 'nested', keepTmux: true });
    await h.waitScreen(/ATTACH-TARGET[\s\S]*typed-through-attach/, 10000, 'nested');
    await h.waitScreen(/Ctrl\+\\ detaches/, 5000, 'nested'); // the status line names the detach key
    h.keysIn('nested', 'C-\\'); // chatmux's own detach key: passes a user's tmux
    check((await h.waitExit(5000, 'nested')) === 0, 'nested chat attach failed');

    // 3. Inside chatmux's own tmux (a shell chat): switch-client, never a client inside itself.
    h.startUi({ args: ['chat', 'attach', shell], window: 'inside' });
    await until(() => h.tmux('list-clients', '-F', '#{client_session}').includes(h.chat(shell).session), 8000, 'a client on the shell chat');
    h.type(`${process.execPath} ${CHATMUX} chat attach ${target}`, 'inside');
    h.keysIn('inside', 'Enter');
    await h.waitScreen(/ATTACH-TARGET[\s\S]*typed-through-attach/, 10000, 'inside');
    const clients = h.tmux('list-clients', '-F', '#{client_session}').split('\n').filter(Boolean);
    check(clients.length === 1 && clients[0] === session, `clients after attach from inside: ${clients.join(', ')}`);
    h.keysIn('inside', 'C-b', 'd');
    check((await h.waitExit(5000, 'inside')) === 0, 'attach from inside chatmux tmux: the outer attach did not end cleanly');
    check(h.panePid(session) === pid, 'attaching restarted the chat');
  },
};

export const TERMINALS: Scenario[] = [noTmux, attach];
