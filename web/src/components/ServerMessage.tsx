/**
 * A message as the server words it: names and values it quotes between backticks (`shop.example`) are
 * shown as code, without the backticks. Text without backticks is shown as is.
 */
export function ServerMessage({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd number of backticks leaves the last one unpaired: show the text as it came.
  if (parts.length < 3 || parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
