// The pharmacist's checks before an order leaves the pharmacy, for a batch or a kit. The keys are
// the ones the server requires, every one ticked (src/server/api_orders.cpp, kDispensingChecklist;
// docs/pharmacy.md); the server refuses a dispensing with any of them missing or false.
import {h, uid} from './dom.js';

// `labels` names what the dose check reads: 'the label' for a batch, 'both labels' for a kit.
// Returns {el: the fieldset, values(): {key: ticked} for the request body}.
export function dispenseChecklist(labels) {
  const items = [
    ['identity', 'Patient identity confirmed (name and date of birth)'],
    ['order', 'The order is signed, current and for this patient'],
    ['dose', `The strength, form and directions on ${labels} match the order`],
    ['interactions', 'No opioid or interacting medicine on the medication list'],
    ['screening', 'The screening is still valid'],
    ['washout', 'No opioid taken within the washout period'],
  ];
  const boxes = items.map(([key, label]) => {
    const box = h('input', {type: 'checkbox', id: uid('chk'), 'data-check': key});
    return {
      key,
      box,
      el:
          h('div.check', box,
            h('label',
              {for: box.id
              },
              label))
    };
  });
  return {
    el: h('fieldset', h('legend', 'Before it leaves the pharmacy'), boxes.map((x) => x.el)),
    values: () => Object.fromEntries(boxes.map((x) => [x.key, x.box.checked])),
  };
}
