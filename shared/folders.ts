// The folder picker of the browser version: the server lists its own folders, but only below the
// places a user of this machine could pick from anyway (their home folder and mounted drives).
/** A place the picker starts from. */
export interface FolderRoot {
  readonly label: string;
  readonly path: string;
}

/** One folder inside the folder listed. */
export interface FolderEntry {
  readonly name: string;
  readonly path: string;
}

/** A folder's sub-folders, where it lies, and where else one can start. */
export interface FolderListing {
  /** The folder listed; null when only the starting places were asked for. */
  readonly path: string | null;
  /** Its parent when that is still inside a starting place; null at a starting place. */
  readonly parent: string | null;
  readonly folders: readonly FolderEntry[];
  /** True when there were more sub-folders than are listed. */
  readonly truncated: boolean;
  readonly roots: readonly FolderRoot[];
}
