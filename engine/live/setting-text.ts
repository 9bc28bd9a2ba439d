/**
 * How a message names a server setting and its value as the user gave it: a flag (`--db x.sqlite`) or
 * its environment variable (`CADENCE_DB=x.sqlite`); without a value, the name alone (`--db`,
 * `CADENCE_DB`). A message naming a flag the user never typed sent them looking for it (engine/cli/serve.ts).
 */
export type SettingText = (setting: string, value?: string | number) => string;

/** Every setting as its flag: the words of a server started from code, or from flags. */
export const FLAG_TEXT: SettingText = (setting, value) => value === undefined ? `--${setting}` : `--${setting} ${value}`;
