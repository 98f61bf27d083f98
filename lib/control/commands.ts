/**
 * Typed wrappers for the tmux commands chatmux uses, one module per what they act on
 * (commands/): sessions, windows, panes, input, capture, options, clients, control mode,
 * the server. Each builds argv (verb first), marks format-expanded arguments with
 * `formatLiteral`, and parses the reply. They run on any `TmuxRunner`: the control client
 * or one-shot `TmuxCli` calls. Targets are always ids (`$S`, `@W`, `%P`) or exact names (`=name`).
 */
export { fieldsFormat } from './commands/fields';
export { shellCommandArgs, shellQuote } from './commands/program';
export * from './commands/sessions';
export * from './commands/windows';
export * from './commands/panes';
export * from './commands/input';
export * from './commands/capture';
export * from './commands/options';
export * from './commands/clients';
export * from './commands/control-mode';
export * from './commands/server';
