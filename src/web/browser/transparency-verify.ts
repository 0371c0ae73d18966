/**
 * "Verify in your browser" on /transparency: the log monitor of src/tlog (the very code
 * `mvid log verify` runs) with this browser's localStorage as its state. The first visit
 * pins the log key and checks every entry; later visits check the new checkpoint's
 * signature and its consistency with the one verified last time, then only the new entries.
 */
import { systemClock } from '../../core/index.ts';
import { type MonitorState, verifyLog } from '../../tlog/index.ts';
import { byId, create, origin, storage } from './dom.ts';

const STATE_KEY = 'mvid.log-monitor.v1';

function step(list: ReturnType<typeof byId>, ok: boolean, text: string): void {
  const li = create('li', `${ok ? '✓' : '✗'} ${text}`, ok ? 'ok' : 'error');
  list.append(li);
}

async function run(): Promise<void> {
  const button = byId('verify');
  const steps = byId('verify-steps');
  const status = byId('verify-status');
  const progress = byId('verify-progress');
  button.disabled = true;
  steps.replaceChildren();
  progress.hidden = false;
  progress.value = 0;
  status.textContent = 'Verifying…';
  const saved = storage().getItem(STATE_KEY);
  let state: MonitorState | null = null;
  try {
    state = saved === null ? null : (JSON.parse(saved) as MonitorState);
  } catch {
    state = null;
  }
  const notices: string[] = [];
  try {
    const result = await verifyLog({
      url: origin(),
      fetch: (input, init) => globalThis.fetch(input, init),
      clock: systemClock,
      state,
      notice: (m) => notices.push(m),
      progress: (done, total) => {
        progress.max = Number(total);
        progress.value = Number(done);
        status.textContent = `Checked ${done} of ${total} entries…`;
      },
    });
    const cp = result.checkpoint;
    step(
      steps,
      true,
      state === null
        ? `Log key pinned on this first visit: ${result.state.vkey}`
        : `Log key unchanged since your last visit: ${result.state.vkey}`,
    );
    step(steps, true, `Checkpoint signature: size ${cp.size} signed by ${cp.origin}`);
    step(
      steps,
      true,
      state === null
        ? 'Consistency with your last visit: nothing to compare on a first visit'
        : `Consistency with your last visit: the log at ${state.size} entries (${state.verifiedAt}) is a prefix of this one`,
    );
    step(steps, true, `Entries: ${result.verifiedEntries} new entries downloaded, each parsed, and they hash to the signed root`);
    for (const n of notices) step(steps, true, n);
    storage().setItem(STATE_KEY, JSON.stringify(result.state));
    status.textContent = `Verified: checkpoint ${cp.size}, root ${result.state.root}.`;
  } catch (error) {
    step(steps, false, (error as Error).message);
    status.textContent = 'Verification FAILED. Keep the messages above: they are evidence.';
  } finally {
    progress.hidden = true;
    button.disabled = false;
  }
}

const button = byId('verify');
button.hidden = false;
button.addEventListener('click', () => void run());
