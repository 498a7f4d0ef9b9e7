/**
 * How the pathway module's camelCase keys are spelled in generated names: CQL defines ("Observation Lvef Codes") and
 * value set URLs ("...:observation-lvef").
 */

/** `stageGroup` -> `Stage Group`. */
export const camelToTitle = (key: string): string =>
  key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

/** `stageGroup` -> `stage-group`. */
export const camelToKebab = (key: string): string => key.replace(/([A-Z])/g, '-$1').toLowerCase();
