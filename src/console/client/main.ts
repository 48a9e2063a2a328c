import { get, session, TokenRefused } from './api.js';
import { refreshCharts } from './charts.js';
import { DeadLetters } from './dead-letters.js';
import { byId, clock, replace } from './dom.js';
import { refreshHubspotEvents, refreshParked, replayParked } from './optional-sections.js';
import { refreshOverview } from './overview.js';
import { refreshUnmapped } from './unmapped.js';

/** How often the page reads the relay again: often enough to watch a pause end, light on the relay. */
const REFRESH_MS = 3_000;

let timer: number | undefined;
let refreshing = false;

function report(error: unknown): void {
  if (error instanceof TokenRefused) return signOut('Admin token refused');
  replace(byId('updated'), `The relay did not answer as expected: ${error instanceof Error ? error.message : String(error)}`);
}

function showSignIn(message = ''): void {
  byId('app').hidden = true;
  byId('sign-out').hidden = true;
  byId('sign-in').hidden = false;
  replace(byId('sign-in-error'), message);
}

function signOut(message = ''): void {
  session.forget();
  window.clearInterval(timer);
  timer = undefined;
  showSignIn(message);
}

async function refresh(deadLetters: DeadLetters): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  try {
    // Settled one by one: a section that fails does not blank the others.
    const results = await Promise.allSettled([
      refreshOverview(),
      refreshCharts(),
      deadLetters.refresh(),
      refreshUnmapped(),
      refreshParked(),
      refreshHubspotEvents(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) report(failed.reason);
    else replace(byId('updated'), `Updated ${clock(Date.now())}`);
  } finally {
    refreshing = false;
  }
}

function showConsole(deadLetters: DeadLetters): void {
  byId('sign-in').hidden = true;
  byId('app').hidden = false;
  byId('sign-out').hidden = false;
  void refresh(deadLetters);
  window.clearInterval(timer);
  timer = window.setInterval(() => void refresh(deadLetters), REFRESH_MS);
}

function start(): void {
  const deadLetters = new DeadLetters(report);
  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('token');
    const token = input.value.trim();
    // /status answers 401 to a wrong token; only a token it accepts is kept.
    get('/status', token)
      .then(() => {
        session.keep(token);
        input.value = '';
        replace(byId('sign-in-error'), '');
        showConsole(deadLetters);
      })
      .catch((error: unknown) => {
        if (error instanceof TokenRefused) showSignIn('Admin token refused');
        else showSignIn(`The relay did not answer: ${error instanceof Error ? error.message : String(error)}`);
        input.focus();
      });
  });
  byId('sign-out').addEventListener('click', () => signOut());
  byId('parked-replay').addEventListener('click', () => void replayParked().catch(report));
  if (session.token()) showConsole(deadLetters);
  else showSignIn();
}

start();
