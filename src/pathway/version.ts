/** PATHWAY.md "Pathway version"; discovery descriptions and every card's source.label name it. */
export const PATHWAY_VERSION = '2026.11.2';
export const SOURCE_LABEL = `STS Pathway ${PATHWAY_VERSION}`;
