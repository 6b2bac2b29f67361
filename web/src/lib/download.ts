// Saves a blob the API answered (a ticket's PDF, a report's CSV) as a file: the request needs the
// bearer token, so a plain link cannot fetch it.
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
