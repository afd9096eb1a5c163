import { useEffect, useRef } from 'preact/hooks';

/** The page a full load opened: the browser starts it at the top, as any page. */
let firstPage = true;

/**
 * The page's h1 and the document title. After a client-side move to another page the heading is
 * focused, so a screen reader announces the new page and keyboard users continue from its top,
 * as after a full load (which starts at the skip link).
 */
export function PageHeading(props: { title: string }) {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Vigil`;
    if (firstPage) firstPage = false;
    else h.current?.focus();
  }, [props.title]);
  return (
    <h1 tabIndex={-1} ref={h}>
      {props.title}
    </h1>
  );
}
