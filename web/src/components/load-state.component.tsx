import type { Load } from '../api/use-load.hook.js';

/** What a page shows while it loads or when loading failed; null once there is data. */
export function LoadState(props: { load: Load<unknown>; what: string }) {
  if (props.load.state === 'loading') return <p role="status">Loading {props.what}…</p>;
  if (props.load.state === 'error') {
    return (
      <p role="alert" class="error">
        Could not load {props.what}: {props.load.error.message}
      </p>
    );
  }
  return null;
}
