// The branch's requisites («Реквизиты») as an admin fills them, for the document tests

export const ORG = {
  customer_name: 'ООО «Газпромнефть-Тестовый филиал»',
  inn: '7701234567',
  kpp: '770101001',
  contract_number: 'Д-77/2026',
  contract_date: '2026-02-03',
  contact_person: 'Смирнова Ольга Петровна',
  contact_phone: '+7 (3452) 00-00-00',
  room: '214',
  verifier_name: 'ФБУ «Тюменский ЦСМ»',
  head_title: 'Главный инженер',
  head_name: 'Кузнецов К. К.',
  metrologist_title: 'Метролог филиала',
  metrologist_name: 'Орлова М. А.',
  commission: ['Петров П. П.', 'Сидоров С. С.', 'Фёдорова Ф. Ф.'],
}
