/**
 * JSON Schema of a CDS Hooks 2.0 service response (https://cds-hooks.hl7.org/2.0/#cds-service-response), written from
 * the specification, and a validator every response in the tests goes through.
 */
import AjvModule from 'ajv';

const coding = {
  type: 'object',
  required: ['code'],
  properties: { system: { type: 'string' }, code: { type: 'string', minLength: 1 }, display: { type: 'string' } },
};

const action = {
  type: 'object',
  required: ['type', 'description'],
  properties: {
    type: { enum: ['create', 'update', 'delete'] },
    description: { type: 'string', minLength: 1 },
    resource: { type: 'object', required: ['resourceType'] },
    resourceId: { type: 'string', pattern: '^[A-Za-z]+/[A-Za-z0-9\\-.]{1,64}$' },
  },
  allOf: [
    { if: { properties: { type: { enum: ['create', 'update'] } } }, then: { required: ['resource'] } },
    { if: { properties: { type: { const: 'delete' } } }, then: { required: ['resourceId'] } },
  ],
};

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };

const card = {
  type: 'object',
  required: ['summary', 'indicator', 'source'],
  additionalProperties: false,
  properties: {
    uuid,
    summary: { type: 'string', minLength: 1, maxLength: 139 },
    detail: { type: 'string' },
    indicator: { enum: ['info', 'warning', 'critical'] },
    source: {
      type: 'object',
      required: ['label'],
      properties: {
        label: { type: 'string', minLength: 1 },
        url: { type: 'string', pattern: '^https?://' },
        icon: { type: 'string' },
        topic: coding,
      },
    },
    suggestions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label'],
        properties: {
          label: { type: 'string', minLength: 1 },
          uuid,
          isRecommended: { type: 'boolean' },
          actions: { type: 'array', items: action },
        },
      },
    },
    selectionBehavior: { enum: ['at-most-one', 'any'] },
    overrideReasons: { type: 'array', items: coding },
    links: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'url', 'type'],
        properties: {
          label: { type: 'string', minLength: 1 },
          url: { type: 'string', pattern: '^https?://' },
          type: { enum: ['absolute', 'smart'] },
          appContext: { type: 'string' },
        },
      },
    },
    extension: { type: 'object' },
  },
  // The spec requires selectionBehavior whenever suggestions are present.
  if: { required: ['suggestions'], properties: { suggestions: { minItems: 1 } } },
  then: { required: ['selectionBehavior'] },
};

export const CDS_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['cards'],
  properties: {
    cards: { type: 'array', items: card },
    systemActions: { type: 'array', items: action },
  },
};

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(CDS_RESPONSE_SCHEMA);

/** The schema errors of a response body, as readable lines; empty when valid. */
export function cdsResponseErrors(body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
