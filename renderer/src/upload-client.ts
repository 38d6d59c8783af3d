// Files from the user's own computer for an upload. In a browser on `reprise serve` each picked file
// is sent over HTTP (one PUT per file, the serve token in the Authorization header) into the upload
// the core opened; the desktop window instead hands the core each file's path on disk (Electron's
// webUtils through the preload), since both run on the same computer.
import { UPLOAD_PATH } from '../../shared/channels';
import { serveToken } from './transport';

/** One picked file and where it goes, relative to the destination folder ("Album/01.flac"). */
export interface PickedFile {
  readonly file: File;
  readonly name: string;
}

declare global {
  interface Window {
    /** The desktop window's way to a dropped or picked file's path (absent in a browser). */
    repriseFiles?: { pathFor(file: File): string };
  }
}

/** Files of an <input type=file> (multiple, or webkitdirectory: the relative path keeps the folder). */
export function pickedFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    // readEntries answers in batches (100 in Chromium) until an empty one.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const name = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, name });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, name, out);
  }
}

/** Files and folders dropped on the page, folders walked through. */
export async function pickedFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  // Entries and files are read now: the DataTransfer is emptied once the drop handler returns.
  const items = Array.from(dt.items)
    .filter((i) => i.kind === 'file')
    .map((i) => ({ entry: i.webkitGetAsEntry(), file: i.getAsFile() }));
  const out: PickedFile[] = [];
  for (const { entry, file } of items) {
    if (entry) await walk(entry, '', out);
    // No entry (a drop a page made itself, some platforms): the plain file, without folders.
    else if (file) out.push({ file, name: file.name });
  }
  return out;
}

/**
 * The desktop window's local paths of the picked files; null in a browser (the files travel over
 * HTTP there); 'unknown' when the window cannot tell where a file is on disk.
 */
export function localPaths(files: readonly PickedFile[]): Array<{ from: string; name: string }> | 'unknown' | null {
  const bridge = window.repriseFiles;
  if (!bridge) return null;
  const out = files.map((f) => ({ from: bridge.pathFor(f.file), name: f.name }));
  return out.every((p) => p.from.startsWith('/')) ? out : 'unknown';
}

/** Sends one file into an upload; resolves with null, or the server's reason it refused. */
function sendOne(id: string, f: PickedFile, onBytes: (sent: number) => void, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ path: f.name, mtime: String(f.file.lastModified) });
    xhr.open('PUT', `${UPLOAD_PATH}/${id}?${query.toString()}`);
    xhr.setRequestHeader('authorization', `Bearer ${serveToken() ?? ''}`);
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onload = () => resolve(xhr.status === 204 ? null : xhr.responseText || `HTTP ${xhr.status}`);
    xhr.onerror = () => resolve(`${f.name} could not be sent (the connection broke).`);
    xhr.onabort = () => resolve('Cancelled.');
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    // The File goes as the body: the browser reads it from disk as it sends, never whole in memory.
    xhr.send(f.file);
  });
}

/** Sends every picked file, one after another; progress in bytes sent so far. */
export async function sendFiles(id: string, files: readonly PickedFile[], onProgress: (sent: number, file: number) => void, signal: AbortSignal): Promise<string | null> {
  let done = 0;
  for (const [i, f] of files.entries()) {
    if (signal.aborted) return 'Cancelled.';
    const problem = await sendOne(id, f, (sent) => onProgress(done + sent, i), signal);
    if (problem) return problem;
    done += f.file.size;
    onProgress(done, i + 1);
  }
  return null;
}
