export default function Home() {
  return (
    <main>
      <h1>vobiz-webhooks × Next.js</h1>
      <p>
        Vobiz delivers to <code>POST /api/webhooks/vobiz</code> (Node.js runtime) or{' '}
        <code>POST /api/webhooks/vobiz-edge</code> (Edge runtime). Meta&apos;s Cloud API, received directly, calls{' '}
        <code>/webhooks/meta</code>.
      </p>
    </main>
  );
}
