// UI state of remotes, sign-ins, downloads and mounts, fed by contract events.
import { create } from 'zustand';
import type { Bridge } from '../../../shared/contract';
import type { AuthorizeUpdate, DownloadUpdate, MountView, RemoteSummary } from '../../../shared/remotes/types';
import { frameBatch } from '../frame-batch';

export interface RemotesState {
  /** Latest list pushed by the core (null until the first event or load). */
  readonly remotes: readonly RemoteSummary[] | null;
  readonly authorize: Readonly<Record<string, AuthorizeUpdate>>;
  readonly downloads: Readonly<Record<string, DownloadUpdate>>;
  readonly mounts: readonly MountView[] | null;
  /** Where the Browser page opens (set by other pages before they navigate there). */
  readonly browseTarget: { readonly remote: string; readonly path: string } | null;
  setRemotes(remotes: readonly RemoteSummary[]): void;
  setMounts(mounts: readonly MountView[]): void;
  dismissDownload(id: string): void;
}

export const useRemotes = create<RemotesState>((set) => ({
  remotes: null,
  authorize: {},
  downloads: {},
  mounts: null,
  browseTarget: null,
  setRemotes: (remotes) => set({ remotes }),
  setMounts: (mounts) => set({ mounts }),
  dismissDownload: (id) =>
    set((s) => {
      const downloads = { ...s.downloads };
      delete downloads[id];
      return { downloads };
    }),
}));

// Subscribes the remotes state to the core's events; download progress is coalesced per frame.
export function connectRemotesStore(bridge: Pick<Bridge, 'on'>): void {
  const { setState } = useRemotes;
  bridge.on('remotes:changed', ({ remotes }) => setState({ remotes }));
  bridge.on('mounts:changed', ({ mounts }) => setState({ mounts }));
  bridge.on('remotes:authorize', (u) => setState((s) => ({ authorize: { ...s.authorize, [u.sessionId]: u } })));
  const downloads = frameBatch<DownloadUpdate>((batch) => setState((s) => ({ downloads: { ...s.downloads, ...batch } })));
  bridge.on('browse:download', (d) => downloads.add(d.id, d));
}
