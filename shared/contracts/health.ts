import { z } from 'zod';

export const healthSchema = z.object({
  status: z.literal('ok'),
  database: z.literal('ok'),
  mode: z.enum(['embedded', 'postgres']),
});
export type Health = z.infer<typeof healthSchema>;
