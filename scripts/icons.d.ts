// Types of scripts/icons.js for the tests that use it.
/** Sizes of the Linux tray PNGs the script renders. */
export declare const LINUX_TRAY_SIZES: readonly number[];
/** The macOS template variant of a tray source SVG. */
export declare function templateOf(svg: string): string;
/** Every output file (relative to the repo) and its bytes. */
export declare function renderAll(): Promise<Map<string, Buffer>>;
