// The name a restored file gets under "keep both" when a different file already has its name.

/** `The Wall (1979) (restored 2026-11-22 1104)`; files keep their extension last so they still open in the right program. */
export function keepBothName(name: string, at: Date, taken: (candidate: string) => boolean): string {
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 && name.length - dot <= 6 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = `${stem} (restored ${stamp}${i > 1 ? ` ${i}` : ''})${ext}`;
    if (!taken(candidate)) return candidate;
  }
}
