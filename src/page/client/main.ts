/**
 * The pathway page's browser code: pick or paste a patient, call the hooks as an EHR would, show the cards and
 * facts, highlight where the patient stands on the flowchart, draft orders and send feedback.
 */
import type { Bundle, FhirResource, Patient } from 'fhir/r4.js';
import type { Card } from '../../shared/cds-hooks.js';
import {
  bundleResources,
  callService,
  discoverTemplates,
  isBundle,
  listPatients,
  prefetchFromBundle,
  prefetchFromFhir,
  problemText,
  sendFeedback,
  uuid,
} from './cds-client.js';
import { clearHighlights, highlight } from './chart.js';
import { collectFacts, renderFacts, showCards, type CardActions } from './cards-view.js';
import { byId, el, setStatus } from './dom.js';
import { applyActions, draftMedicationRequest, draftOrdersBundle, renderDrafts } from './orders.js';
import { readPageData } from './page-data.js';
import { FHIR_ID } from '../../shared/fhir-id.js';

const USER_ID = 'Practitioner/sts-pathway-page';

/** The open patient: where the hooks get data from. */
interface Session {
  readonly patientId: string;
  readonly label: string;
  /** Prefetch per service id (computed once each). */
  prefetchFor(serviceId: string): Promise<Record<string, unknown> | undefined>;
  readonly fhirServer?: string;
}

const data = readPageData();
const ui = {
  chart: byId('chart-wrap', HTMLDivElement),
  fit: byId('fit-toggle', HTMLButtonElement),
  reached: byId('reached-summary', HTMLElement),
  patientSelect: byId('patient-select', HTMLSelectElement),
  useFhirServer: byId('use-fhir-server', HTMLInputElement),
  runPatient: byId('run-patient-view', HTMLButtonElement),
  bundleInput: byId('bundle-input', HTMLTextAreaElement),
  runBundle: byId('run-bundle', HTMLButtonElement),
  patientStatus: byId('patient-status', HTMLElement),
  patientCards: byId('patient-cards', HTMLDivElement),
  facts: byId('facts', HTMLDivElement),
  drugSelect: byId('drug-select', HTMLSelectElement),
  drugText: byId('drug-text', HTMLInputElement),
  draftOrder: byId('draft-order', HTMLButtonElement),
  clearDrafts: byId('clear-drafts', HTMLButtonElement),
  orderStatus: byId('order-status', HTMLElement),
  drafts: byId('drafts', HTMLUListElement),
  orderCards: byId('order-cards', HTMLDivElement),
};

let session: Session | undefined;
let drafts: FhirResource[] = [];
let templatesPromise: ReturnType<typeof discoverTemplates> | undefined;

const templates = (): ReturnType<typeof discoverTemplates> => (templatesPromise ??= discoverTemplates());

async function templatesOf(serviceId: string): Promise<Record<string, string> | string> {
  const all = await templates();
  if (typeof all === 'string') {
    templatesPromise = undefined;
    return all;
  }
  return all.get(serviceId) ?? `service ${serviceId} is not in discovery`;
}

/** Memoizes one prefetch per service. */
function memoPrefetch(
  build: (t: Record<string, string>) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Session['prefetchFor'] {
  const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
  return (serviceId) => {
    let p = cache.get(serviceId);
    if (!p) {
      p = templatesOf(serviceId).then((t) => (typeof t === 'string' ? undefined : build(t)));
      cache.set(serviceId, p);
    }
    return p;
  };
}

/** Feedback and local draft handling for the cards of one service. */
function cardActions(serviceId: string): CardActions {
  return {
    accept(card, suggestion, status) {
      drafts = applyActions(drafts, suggestion.actions ?? []);
      renderDrafts(ui.drafts, drafts);
      setStatus(status, `Accepted "${suggestion.label}": draft orders updated (${drafts.length}).`, 'ok');
      if (!card.uuid || !suggestion.uuid) return;
      void sendFeedback(serviceId, {
        card: card.uuid,
        outcome: 'accepted',
        acceptedSuggestions: [{ id: suggestion.uuid }],
      }).then((r) => {
        setStatus(
          status,
          `${status.textContent ?? ''} ${r.ok ? `Feedback sent (HTTP ${r.status}).` : `Feedback failed: ${problemText(r)}`}`,
          r.ok ? 'ok' : 'error',
        );
      });
    },
    override(card, reason, comment, status) {
      if (!card.uuid) return;
      setStatus(status, 'Sending override feedback…');
      const overrideReason = {
        reason: { system: reason.system, code: reason.code, display: reason.display },
        ...(comment ? { userComment: comment } : {}),
      };
      void sendFeedback(serviceId, { card: card.uuid, outcome: 'overridden', overrideReason }).then((r) => {
        if (r.ok)
          setStatus(
            status,
            `Override recorded (${reason.display ?? reason.code}): the service accepted the feedback (HTTP ${r.status}).`,
            'ok',
          );
        else setStatus(status, `Override feedback rejected: ${problemText(r)}`, 'error');
      });
    },
  };
}

const topicsOf = (cards: readonly Card[]): string[] =>
  cards.flatMap((c) =>
    c.source.topic && (c.source.topic.system ?? data.topicSystem) === data.topicSystem ? [c.source.topic.code] : [],
  );

/** Scrolls the chart so the first reached node is in view, without moving the page. */
function revealFirst(topic: string | undefined): void {
  const node = topic ? ui.chart.querySelector(`[data-node-id="${CSS.escape(topic)}"]`) : null;
  if (!node || ui.chart.classList.contains('fit')) return;
  const r = node.getBoundingClientRect();
  const c = ui.chart.getBoundingClientRect();
  ui.chart.scrollLeft += r.left - c.left - (c.width - r.width) / 2;
  ui.chart.scrollTop += r.top - c.top - (c.height - r.height) / 2;
}

async function hookRequest(
  serviceId: string,
  hook: string,
  context: Record<string, unknown>,
): Promise<Record<string, unknown> | string> {
  if (!session) return 'open a patient first';
  const prefetch = session.fhirServer ? undefined : await session.prefetchFor(serviceId);
  if (!session.fhirServer && !prefetch) {
    const templates = await templatesOf(serviceId);
    return `could not build prefetch (${typeof templates === 'string' ? templates : 'no templates'})`;
  }
  return {
    hook,
    hookInstance: uuid(),
    context: { userId: USER_ID, patientId: session.patientId, ...context },
    ...(session.fhirServer ? { fhirServer: session.fhirServer } : { prefetch }),
  };
}

async function runPatientView(): Promise<void> {
  if (!session) return;
  const current = session;
  drafts = [];
  renderDrafts(ui.drafts, drafts);
  ui.orderCards.replaceChildren();
  setStatus(ui.patientStatus, `Calling patient-view for ${current.label}…`);
  const request = await hookRequest(data.services.patientView, 'patient-view', {});
  if (typeof request === 'string') return setStatus(ui.patientStatus, request, 'error');
  const result = await callService(data.services.patientView, request);
  if (session !== current) return;
  clearHighlights(document);
  if (result.error) {
    setStatus(ui.patientStatus, `patient-view failed: ${result.error}`, 'error');
    showCards(ui.patientCards, [], cardActions(data.services.patientView), 'No cards (the call failed).');
    ui.facts.replaceChildren();
    return;
  }
  showCards(
    ui.patientCards,
    result.cards,
    cardActions(data.services.patientView),
    'The service returned no cards for this patient.',
  );
  ui.facts.replaceChildren(renderFacts(collectFacts(result.cards, data.factsExtension)));
  const reached = highlight(document, data, topicsOf(result.cards));
  ui.reached.textContent = reached.length > 0 ? `Reached: ${reached.join(', ')}` : 'No pathway node reached.';
  revealFirst(reached[0]);
  const skipped = result.skipped > 0 ? ` (${result.skipped} unreadable card(s) skipped)` : '';
  setStatus(ui.patientStatus, `${current.label}: ${result.cards.length} card(s)${skipped}.`, 'ok');
}

async function openPickedPatient(): Promise<void> {
  const id = ui.patientSelect.value;
  if (id === '') return setStatus(ui.patientStatus, 'Pick a patient first.', 'error');
  const label = ui.patientSelect.selectedOptions[0]?.textContent ?? id;
  const context = { patientId: id, userId: USER_ID };
  session = ui.useFhirServer.checked
    ? { patientId: id, label, fhirServer: `${location.origin}/fhir`, prefetchFor: async () => undefined }
    : { patientId: id, label, prefetchFor: memoPrefetch((t) => prefetchFromFhir(t, context)) };
  await runPatientView();
}

async function openPastedBundle(): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(ui.bundleInput.value);
  } catch {
    return setStatus(ui.patientStatus, 'The pasted text is not valid JSON.', 'error');
  }
  if (!isBundle(parsed)) return setStatus(ui.patientStatus, 'The pasted JSON is not a FHIR Bundle.', 'error');
  const bundle: Bundle = parsed;
  const patient = bundleResources(bundle).find((r): r is Patient => r.resourceType === 'Patient');
  if (!patient) return setStatus(ui.patientStatus, 'The pasted Bundle has no Patient resource.', 'error');
  const patientId = patient.id && FHIR_ID.test(patient.id) ? patient.id : 'pasted-patient';
  session = {
    patientId,
    label: `Pasted Bundle (${patientId})`,
    prefetchFor: memoPrefetch((t) => prefetchFromBundle(t, bundle, patient)),
  };
  await runPatientView();
}

async function draftOrder(): Promise<void> {
  if (!session) return setStatus(ui.orderStatus, 'Open a patient first.', 'error');
  const draft = draftMedicationRequest(session.patientId, data, ui.drugSelect.value, ui.drugText.value);
  if (!draft) return setStatus(ui.orderStatus, 'Pick a drug or type a medication name.', 'error');
  drafts = [...drafts, draft];
  renderDrafts(ui.drafts, drafts);
  const name = draft.medicationCodeableConcept?.text ?? 'medication';
  setStatus(ui.orderStatus, `Calling order-select for ${name}…`);
  const request = await hookRequest(data.services.orderSelect, 'order-select', {
    selections: [`MedicationRequest/${draft.id ?? ''}`],
    draftOrders: draftOrdersBundle(drafts),
  });
  if (typeof request === 'string') return setStatus(ui.orderStatus, request, 'error');
  const result = await callService(data.services.orderSelect, request);
  if (result.error) return setStatus(ui.orderStatus, `order-select failed: ${result.error}`, 'error');
  showCards(ui.orderCards, result.cards, cardActions(data.services.orderSelect), `No card for ${name}.`);
  highlight(document, data, topicsOf(result.cards));
  setStatus(ui.orderStatus, `${name}: ${result.cards.length} card(s).`, 'ok');
}

async function loadPatients(): Promise<void> {
  const patients = await listPatients();
  if (typeof patients === 'string') {
    ui.patientSelect.replaceChildren(el('option', { value: '' }, 'No FHIR server: paste a Bundle below'));
    return setStatus(ui.patientStatus, `No demo patients: ${patients}.`, 'error');
  }
  ui.patientSelect.replaceChildren(
    el('option', { value: '' }, patients.length > 0 ? 'Choose a patient…' : 'No patients on /fhir'),
    ...patients.map((p) => el('option', { value: p.id }, p.label)),
  );
  setStatus(ui.patientStatus, `${patients.length} patient(s) on /fhir.`);
}

ui.fit.addEventListener('click', () => {
  const fit = ui.chart.classList.toggle('fit');
  ui.fit.setAttribute('aria-pressed', String(fit));
  ui.fit.textContent = fit ? 'Actual size' : 'Fit to width';
});
ui.runPatient.addEventListener('click', () => void openPickedPatient());
ui.runBundle.addEventListener('click', () => void openPastedBundle());
ui.draftOrder.addEventListener('click', () => void draftOrder());
ui.clearDrafts.addEventListener('click', () => {
  drafts = [];
  renderDrafts(ui.drafts, drafts);
  ui.orderCards.replaceChildren();
  setStatus(ui.orderStatus, 'Drafts cleared.');
});
renderDrafts(ui.drafts, drafts);
document.body.dataset.ready = 'true';
void loadPatients().then(() => {
  document.body.dataset.patients = 'loaded';
  // A card's "Pathway page for this patient" link: /#patient=<id> (a fragment, never sent to the server) opens that patient.
  const id = /^#patient=([^&]+)$/.exec(location.hash)?.[1];
  const wanted = id !== undefined ? decodeURIComponent(id) : undefined;
  if (wanted !== undefined && Array.from(ui.patientSelect.options).some((o) => o.value === wanted)) {
    ui.patientSelect.value = wanted;
    void openPickedPatient();
  }
});
