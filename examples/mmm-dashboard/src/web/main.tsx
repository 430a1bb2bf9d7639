import { createBrowserAudit } from '@perf/react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const fixed = new URLSearchParams(location.search).has('fixed');
// Web vitals, long tasks, resources and renders go to the API's beacon endpoint when the page is hidden.
createBrowserAudit({ endpoint: '/api/beacon', subject: { name: 'mmm-dashboard' } });
createRoot(document.getElementById('root')!).render(<App fixed={fixed} />);
