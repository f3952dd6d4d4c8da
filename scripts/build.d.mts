/** Types of scripts/build.mjs for the TypeScript that calls it (the test set-up). */
export declare const ROOT: string;
export declare const DIST: string;
export declare function build(options?: {
  log?: (message: string) => void;
}): Promise<{ compiled: number; modules: number; bundleCreated: boolean }>;
export declare function isStale(): boolean;
