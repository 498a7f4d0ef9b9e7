import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { badRequest } from '../../src/errors.js';
import { OVERRIDE_REASONS } from '../../src/pathway/index.js';
import { issueOf } from '../helpers/responses.js';

const app = testApp();
const uuid = '6f1c2f4e-7b1a-4c43-9a59-0b0f7f4d2a11';
const reason = OVERRIDE_REASONS[0]!;

const feedback = (entry: Record<string, unknown>) =>
  request(app)
    .post('/cds-services/sts-pathway-order-sign/feedback')
    .send({ feedback: [{ card: uuid, outcomeTimestamp: '2026-11-23T12:00:00Z', ...entry }] });

describe('feedback', () => {
  test('accepts an accepted suggestion given by its uuid', async () => {
    await feedback({ outcome: 'accepted', acceptedSuggestions: [{ id: uuid }] }).expect(200, {});
  });

  test('accepts an override with a reason from the card and a comment', async () => {
    await feedback({
      outcome: 'overridden',
      overrideReason: {
        reason: { system: reason.system, code: reason.code, display: reason.display },
        userComment: 'tumor board 2026-11-20',
      },
    }).expect(200);
  });

  test('accepts an override without a reason (an info card dismissed)', async () => {
    await feedback({ outcome: 'overridden' }).expect(200);
  });

  test('rejects an accepted outcome without the accepted suggestions', async () => {
    const res = await feedback({ outcome: 'accepted' }).expect(400);
    expect(issueOf(res)?.expression).toEqual(['feedback[0].acceptedSuggestions']);
  });

  test('rejects an accepted suggestion that is not a uuid', async () => {
    const res = await feedback({ outcome: 'accepted', acceptedSuggestions: [{ id: 'x' }] }).expect(400);
    expect(res.body).toMatchObject(
      badRequest('feedback[0].acceptedSuggestions[0] must be an object whose id is the uuid of a suggestion', [
        'feedback[0].acceptedSuggestions[0].id',
      ]),
    );
  });

  test('rejects an override reason outside the pathway list', async () => {
    const res = await feedback({
      outcome: 'overridden',
      overrideReason: { reason: { system: reason.system, code: 'because' } },
    }).expect(400);
    expect(issueOf(res)?.expression).toEqual(['feedback[0].overrideReason.reason']);
  });

  test('rejects an override reason given with an accepted outcome', async () => {
    const res = await feedback({
      outcome: 'accepted',
      acceptedSuggestions: [{ id: uuid }],
      overrideReason: { reason },
    }).expect(400);
    expect(issueOf(res)?.expression).toEqual(['feedback[0].overrideReason']);
  });
});
