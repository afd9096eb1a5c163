import { PageHeading } from '../components/page-heading.component.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>
        Nothing lives at this address. <a href="/slos">Go to the SLOs</a>.
      </p>
    </>
  );
}
