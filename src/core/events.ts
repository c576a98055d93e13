/** What a subscription returns: dispose() ends it. */
export interface ApiDisposable {
  dispose(): void;
}

/** A small listener set for core classes (no vscode EventEmitter here). */
export class Emitter {
  private readonly listeners = new Set<() => void>();

  event = (listener: () => void): ApiDisposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(): void {
    for (const listener of [...this.listeners]) listener();
  }

  clear(): void {
    this.listeners.clear();
  }
}
