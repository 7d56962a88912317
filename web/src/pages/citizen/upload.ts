import { api } from '../../api.ts';

/** What the server accepts as a citizen's document (src/documents): PDF, JPEG or PNG, up to 5 MB. */
const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Why a chosen file would be refused, checked before sending it; the server checks again. */
export function fileProblem(file: File): 'wrongType' | 'tooLarge' | undefined {
  if (!FILE_TYPES.includes(file.type)) return 'wrongType';
  if (file.size > MAX_FILE_BYTES) return 'tooLarge';
  return undefined;
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Uploads a document of the signed-in citizen under the client-chosen `id` (a retry is the same upload). */
export async function uploadDocument(id: string, file: File, applicationId?: string): Promise<void> {
  await api('/api/me/documents', {
    method: 'POST',
    body: {
      id,
      ...(applicationId ? { applicationId } : {}),
      filename: file.name,
      contentType: file.type,
      dataBase64: await toBase64(file),
    },
  });
}
