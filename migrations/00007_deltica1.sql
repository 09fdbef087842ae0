-- What a branch brings from Deltica 1.x (domain/deltica1/): a hand-typed total that differs from
-- cost × quantity × coefficient (kept, shown beside the computed one), Windows accounts and
-- accounts without a local password, and the record of every import with the 1.x ids of what it
-- brought over.

alter table finance add column legacy_total_cost numeric(16, 2);

alter table users add column windows_username text
  check (windows_username is null or length(trim(windows_username)) between 1 and 256);
create unique index users_windows_username_key on users (lower(windows_username))
  where windows_username is not null;
-- null: no local password (an account that signs in with its Windows account only)
alter table users alter column password_hash drop not null;

create table deltica1_import (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  source text not null,
  report jsonb not null
);

-- original 1.x id → id here, per kind of record (equipment, archived_equipment, equipment_file,
-- pinned_document, contract, user)
create table deltica1_id_map (
  import_id bigint not null references deltica1_import (id),
  entity text not null,
  legacy_id bigint not null,
  new_id bigint not null,
  note text,
  primary key (entity, legacy_id)
);
create index deltica1_id_map_import_idx on deltica1_id_map (import_id);

create or replace view equipment_full as
select
  e.id,
  e.version,
  e.equipment_name,
  e.equipment_model,
  e.equipment_type,
  e.equipment_specs,
  e.factory_number,
  e.inventory_number,
  e.equipment_year,
  v.verification_type,
  v.registry_number,
  v.verification_interval,
  v.verification_date,
  v.verification_due,
  v.verification_plan,
  v.verification_state,
  v.verification_result,
  v.certificate_number,
  v.verification_cost,
  equipment_status(
    v.verification_state,
    v.verification_due,
    current_date,
    (select (value #>> '{}')::integer from settings where key = 'expiring_days')
  ) as status,
  r.department,
  r.responsible_person,
  r.verifier_org,
  f.budget_item,
  f.code_rate,
  f.cost_rate,
  f.quantity,
  f.coefficient,
  f.total_cost,
  f.invoice_number,
  f.paid_amount,
  f.payment_date,
  e.created_at,
  e.updated_at,
  e.updated_by,
  e.archived_at,
  e.archive_reason,
  e.archived_by,
  f.legacy_total_cost
from equipment e
left join verification v on v.equipment_id = e.id
left join responsibility r on r.equipment_id = e.id
left join finance f on f.equipment_id = e.id;

create or replace view equipment_active as
select * from equipment_full where archived_at is null;
