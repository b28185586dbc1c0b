// Yika cardholder portal: plain JavaScript, no build step. Talks to /api/ with the session
// cookie (HttpOnly) and sends the CSRF token (yika_csrf cookie) in X-CSRF-Token on every POST.
'use strict';

const views = ['login', 'register', 'cards', 'card', 'bind', 'settings', 'pay'];
const $ = (id) => document.getElementById(id);

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)yika_csrf=([0-9a-f]+)/);
  return m ? m[1] : '';
}

async function api(method, path, body) {
  const headers = {};
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrf();
  }
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: method === 'POST' ? JSON.stringify(body || {}) : undefined,
  });
  let data = {};
  try { data = await res.json(); } catch (e) { data = {}; }
  if (!res.ok) {
    const err = new Error((data.error && data.error.message) || ('HTTP ' + res.status));
    err.status = res.status;
    err.code = data.error && data.error.code;
    throw err;
  }
  return data;
}

function say(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
  m.hidden = !text;
}

function show(name) {
  for (const v of views) $('view-' + v).hidden = v !== name;
}

function formData(form) {
  const out = {};
  for (const el of form.elements) if (el.name) out[el.name] = el.value;
  return out;
}

let loggedIn = false;
let pendingPay = null;  // the order token to return to after logging in

async function refreshSession() {
  try {
    await api('GET', '/api/me');
    loggedIn = true;
  } catch (e) {
    loggedIn = false;
  }
  $('nav').hidden = !loggedIn;
}

const stateText = {
  ACTIVE: '正常 Active', FROZEN: '已挂失 Frozen', EXPIRED: '已过期 Expired', CLOSED: '已注销 Closed',
};
const kindText = {
  purchase: '消费 Purchase', refund: '退款 Refund', reload: '充值 Reload', void: '撤销 Void',
  reversal: '冲正 Reversal', preauth: '预授权 Pre-auth', preauth_completion: '预授权完成 Completion',
};

async function showCards() {
  const data = await api('GET', '/api/cards');
  $('total').textContent = data.available_total_yuan;
  const list = $('card-list');
  list.textContent = '';
  $('no-cards').hidden = data.cards.length > 0;
  for (const c of data.cards) {
    const li = document.createElement('li');
    li.dataset.cardId = c.card_id;
    li.innerHTML =
      '<div class="pan"></div><div><span class="product"></span> · <span class="state"></span></div>' +
      '<div>余额 Balance <span class="balance"></span> 元 · 可用 Available <span class="available"></span></div>' +
      '<div class="expiry"></div><div class="actions"><a class="history">记录 History</a></div>';
    li.querySelector('.pan').textContent = c.card_number_masked;
    li.querySelector('.product').textContent = c.product;
    const st = li.querySelector('.state');
    st.textContent = stateText[c.state] || c.state;
    st.className = 'state state-' + c.state;
    li.querySelector('.balance').textContent = c.balance_yuan;
    li.querySelector('.available').textContent = c.available_yuan;
    li.querySelector('.expiry').textContent = c.expiry ? '有效期至 Valid until ' + c.expiry : '长期有效 Never expires';
    li.querySelector('.history').href = '#/card/' + c.card_id;
    const actions = li.querySelector('.actions');
    if (c.state === 'ACTIVE') {
      const freeze = document.createElement('button');
      freeze.className = 'freeze';
      freeze.textContent = '挂失 Report lost';
      freeze.onclick = () => cardAction(c.card_id, 'freeze', '挂失此卡? Report this card lost?');
      actions.appendChild(freeze);
    }
    const unbind = document.createElement('button');
    unbind.className = 'unbind';
    unbind.textContent = '解绑 Unbind';
    unbind.onclick = () => cardAction(c.card_id, 'unbind', '解绑此卡? Unbind this card?');
    actions.appendChild(unbind);
    list.appendChild(li);
  }
}

async function cardAction(id, action, question) {
  if (!window.confirm(question)) return;
  try {
    await api('POST', '/api/cards/' + id + '/' + action);
    say(action === 'freeze' ? '已挂失 Card frozen' : '已解绑 Card unbound');
    await showCards();
  } catch (e) { say(e.message, true); }
}

async function showHistory(id) {
  const data = await api('GET', '/api/cards/' + id + '/history');
  $('card-title').textContent = '#' + id;
  const body = $('history');
  body.textContent = '';
  for (const t of data.history) {
    const tr = document.createElement('tr');
    for (const text of [t.business_date, kindText[t.kind] || t.kind,
                        (t.kind === 'refund' ? '+' : '') + t.amount_yuan, t.balance_after_yuan]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

async function showPay(token) {
  const o = await api('GET', '/api/orders/' + encodeURIComponent(token));
  $('pay-merchant').textContent = o.merchant_name;
  $('pay-ref').textContent = o.merchant_order_id;
  $('pay-description').textContent = o.description;
  $('pay-amount').textContent = o.amount_yuan;
  $('pay-state').textContent = o.state;
  $('pay-form').hidden = o.state !== 'PENDING';
  $('pay-legs').textContent = '';
  $('pay-return').hidden = o.state !== 'PAID';
  $('pay-return-link').href = o.return_url;
}

async function route() {
  const hash = location.hash || '#/cards';
  const parts = hash.slice(2).split('/');
  say('');
  try {
    if (parts[0] === 'pay' && parts[1]) {
      pendingPay = parts[1];
      if (!loggedIn) { show('login'); say('请先登录再支付 Log in to pay'); return; }
      show('pay');
      await showPay(parts[1]);
      return;
    }
    if (parts[0] === 'register') { show('register'); return; }
    if (!loggedIn) { show('login'); return; }
    if (parts[0] === 'bind') { show('bind'); return; }
    if (parts[0] === 'settings') { show('settings'); return; }
    if (parts[0] === 'card' && parts[1]) { show('card'); await showHistory(parts[1]); return; }
    show('cards');
    await showCards();
  } catch (e) {
    if (e.status === 401) { loggedIn = false; $('nav').hidden = true; show('login'); }
    say(e.message, true);
  }
}

function afterLogin() {
  loggedIn = true;
  $('nav').hidden = false;
  location.hash = pendingPay ? '#/pay/' + pendingPay : '#/cards';
  route();
}

$('login-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try { await api('POST', '/api/login', formData(ev.target)); ev.target.reset(); afterLogin(); }
  catch (e) { say(e.message, true); }
};
$('register-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try { await api('POST', '/api/register', formData(ev.target)); ev.target.reset(); afterLogin(); }
  catch (e) { say(e.message, true); }
};
$('bind-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try {
    await api('POST', '/api/cards/bind', formData(ev.target));
    ev.target.reset();
    location.hash = '#/cards';
    await route();
    say('绑定成功 Card bound');
  } catch (e) { say(e.message, true); }
};
$('paypw-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try { await api('POST', '/api/pay-password', formData(ev.target)); ev.target.reset(); say('已保存 Saved'); }
  catch (e) { say(e.message, true); }
};
$('pay-form').onsubmit = async (ev) => {
  ev.preventDefault();
  const token = location.hash.split('/')[2];
  try {
    const paid = await api('POST', '/api/orders/' + encodeURIComponent(token) + '/pay', formData(ev.target));
    ev.target.reset();
    pendingPay = null;
    await showPay(token);
    const legs = $('pay-legs');
    for (const leg of paid.legs) {
      const li = document.createElement('li');
      li.textContent = '卡 Card #' + leg.card_id + ': ' + leg.amount_yuan + ' 元';
      legs.appendChild(li);
    }
    say('支付成功 Paid');
  } catch (e) { say(e.message, true); }
};
$('logout').onclick = async () => {
  try { await api('POST', '/api/logout'); } catch (e) { /* already logged out */ }
  loggedIn = false;
  $('nav').hidden = true;
  location.hash = '#/login';
};

window.addEventListener('hashchange', route);
refreshSession().then(route);
