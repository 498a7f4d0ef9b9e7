import type { Thresholds } from '../config.js';

/**
 * The PATHWAY.md §9 thresholds as CQL parameters. The libraries declare them under the config's own key names, and
 * cql-execution hands the main library's parameter values to its included libraries by name.
 */
export function thresholdParameters(t: Thresholds): Record<keyof Thresholds, number> {
  return {
    lvefMinPercent: t.lvefMinPercent,
    lvefRecencyDays: t.lvefRecencyDays,
    cumulativeDoxoWarnMgM2: t.cumulativeDoxoWarnMgM2,
    cumulativeDoxoCriticalMgM2: t.cumulativeDoxoCriticalMgM2,
    currentRegimenDays: t.currentRegimenDays,
    combinationDays: t.combinationDays,
    trabMaintenanceDays: t.trabMaintenanceDays,
    trabMaintenanceMaxCycles: t.trabMaintenanceMaxCycles,
  };
}
