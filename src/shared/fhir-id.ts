/**
 * The FHIR R4 `id` grammar (https://hl7.org/fhir/R4/datatypes.html#id): checked before an id goes into a URL, a
 * search or a log line. The pattern without anchors composes into larger ones (`Patient/<id>`).
 */

/** `[A-Za-z0-9-.]{1,64}` (letters, digits, `-` and `.`, 1 to 64), unanchored. */
export const FHIR_ID_PATTERN = '[A-Za-z0-9\\-.]{1,64}';

/** A whole string that is a FHIR id. */
export const FHIR_ID = new RegExp(`^${FHIR_ID_PATTERN}$`);
