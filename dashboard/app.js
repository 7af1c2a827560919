// The amiq dashboard: one token, the same API as any client. No framework, no external fetches.
import { forgetToken, followChanges, getJson, keepToken, takeToken } from './api.js';
import { renderConferences, renderSpan, renderStatus } from './panels.js';
import { QueueView } from './queue-view.js';
import { RateChart } from './rate-chart.js';

const $ = (id) => document.getElementById(id);

function showLogin(message = '') {
  $('board').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('token').focus();
}

/** Polls `path` every `ms`, rendering each answer; a refusal sends the user back to the token form. */
function poll(token, path, ms, render, onRefused) {
  let timer;
  const tick = async () => {
    try {
      render(await getJson(token, path));
    } catch (err) {
      if (err.status === 401) return onRefused(err.message);
    }
    timer = setTimeout(tick, ms);
  };
  tick();
  return () => clearTimeout(timer);
}

async function start(token) {
  try {
    await getJson(token, 'v1/status');
  } catch (err) {
    forgetToken();
    return showLogin(err.status === 401 ? `refused: ${err.message}` : String(err.message));
  }
  $('login').hidden = true;
  $('board').hidden = false;
  const queue = new QueueView($('queue').tBodies[0]);
  const chart = new RateChart($('rate'), $('rate-now'));
  const stops = [];
  const refused = (message) => {
    stops.forEach((stop) => stop());
    forgetToken();
    showLogin(`refused: ${message}`);
  };
  // The stream first, then the newest rows: a change made while the list loads is not missed.
  stops.push(
    followChanges(token, {
      onChange: (row) => {
        queue.put(row);
        chart.add(row);
      },
      onState: (state, detail) => {
        const pill = $('stream-state');
        pill.textContent = state === 'live' ? 'live' : `${state}${detail ? `: ${detail}` : ''}`;
        pill.className = `pill ${state === 'live' ? 'ok' : 'bad'}`;
        if (state === 'refused') refused(detail);
      },
    }),
  );
  getJson(token, 'v1/rows?limit=100').then(
    (page) =>
      page.rows
        .slice()
        .reverse()
        .forEach((row) => {
          if (!queue.rows.has(row.id)) queue.put(row, false);
          chart.add(row);
        }),
    () => undefined,
  );
  stops.push(poll(token, 'v1/status', 2000, (s) => renderStatus(s, $('workers').tBodies[0], $('queue-depth'), $('servers')), refused));
  stops.push(poll(token, 'v1/channels', 1000, (c) => renderSpan(c, $('span'), $('cleaner'), $('span-note')), refused));
  stops.push(poll(token, 'v1/conferences', 3000, (b) => renderConferences(b, $('conferences')), refused));
  const draw = setInterval(() => chart.draw(), 1000);
  stops.push(() => clearInterval(draw));
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token').value.trim();
  if (token === '') return;
  keepToken(token);
  start(token);
});
$('forget').addEventListener('click', () => {
  forgetToken();
  location.reload();
});

const token = takeToken();
if (token) start(token);
else showLogin();
