import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApiToSession } from './app/api-session.ts';
import { Providers } from './app/providers.tsx';
import { createQueryClient } from './app/query-client.ts';
import { connectRealtimeToSession } from './app/realtime-session.ts';
import { createRouter } from './router.tsx';
import './ui/theme.css';

const queryClient = createQueryClient();
const router = createRouter(queryClient);
connectApiToSession(queryClient, router);
const realtime = connectRealtimeToSession(queryClient);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <Providers queryClient={queryClient} router={router} realtime={realtime.connection} />
  </StrictMode>,
);
