// The shape of `rclone config providers` JSON (rclone ≥ 1.60); unknown fields are ignored.

/** One example value of an option (shown as a choice). */
export interface RcloneExample {
  readonly Value: string;
  readonly Help: string;
  readonly Provider?: string;
}

/** One option of a backend. */
export interface RcloneOption {
  readonly Name: string;
  readonly Help: string;
  readonly Provider?: string;
  readonly Default?: unknown;
  readonly DefaultStr?: string;
  readonly Examples?: readonly RcloneExample[] | null;
  readonly Required?: boolean;
  readonly IsPassword?: boolean;
  readonly Advanced?: boolean;
  readonly Exclusive?: boolean;
  readonly Hide?: number;
  readonly Type?: string;
}

/** One backend (provider) of rclone. */
export interface RcloneProvider {
  readonly Name: string;
  readonly Description: string;
  readonly Prefix: string;
  readonly Options: readonly RcloneOption[];
  readonly Hide?: boolean;
}
