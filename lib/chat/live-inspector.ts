/**
 * The inspector's view of the tmux server (sessions, windows, panes, clients): read once when
 * first asked, then read again shortly after tmux notifies a change (several notifications, one
 * read), never polled. Emits `inspector` when a fresh one is ready.
 */
import { inspectServer, type Inspection } from './inspect';
import type { LiveCore } from './live-core';

export class InspectorCache {
  private cache: Inspection | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly core: LiveCore) {}

  /** tmux state of the socket, refreshed on notifications (never polled). */
  async get(): Promise<Inspection> {
    if (!this.cache) this.cache = await inspectServer(this.core.client);
    return this.cache;
  }

  invalidate(): void {
    if (this.timer) return;
    this.timer = setTimeout(async () => {
      this.timer = null;
      if (this.core.stopped) return;
      try {
        this.cache = await inspectServer(this.core.client);
        this.core.events.emit('inspector');
      } catch {
        /* connection closing */
      }
    }, 150);
  }

  /** No more refreshes (shutting down). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
