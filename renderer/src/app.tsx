import { useState } from 'react';
import type { Inventory } from '../../shared/schema/inventory.js';
import { summarizeInventory } from '../../shared/inventory/summary.js';
import { api } from './skylift-api.js';

type State = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; inventory: Inventory } | { kind: 'failed'; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'running' });
    try {
      setState({ kind: 'done', inventory: await api().inventoryLocal({ sudo: true }) });
    } catch (err) {
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <main>
      <h1>Skylift</h1>
      <p>Inventory this machine, read-only, the way Skylift reads a source box over SSH.</p>
      <button type="button" onClick={() => void run()} disabled={state.kind === 'running'}>
        {state.kind === 'running' ? 'Reading…' : 'Inventory this machine'}
      </button>
      {state.kind === 'done' && <pre aria-label="Inventory summary">{summarizeInventory(state.inventory)}</pre>}
      {state.kind === 'failed' && <p role="alert" className="error">{state.message}</p>}
    </main>
  );
}
