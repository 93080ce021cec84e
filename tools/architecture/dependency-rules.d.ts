// Types of dependency-rules.js (plain JavaScript, so that eslint.config.js can import it too).
export declare const depConstraints: Array<{ sourceTag: string; onlyDependOnLibsWithTags: string[] }>;
export declare const TESTING_LIBRARY: string;
export declare const TEST_FILE_GLOBS: string[];
export declare const testOnlyCycles: Array<[string, string]>;
