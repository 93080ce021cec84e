/** docs/contexts.md, put in by the build (vite.config.ts). */
declare const CONTEXT_MAP: string;
