/** PATHWAY.md "Pathway version"; discovery descriptions and every card's source.label name it. */
export const PATHWAY_VERSION = '2026.12.1';
export const SOURCE_LABEL = `STS Pathway ${PATHWAY_VERSION}`;
