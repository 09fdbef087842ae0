-- The register at company scale (100,000 instruments; docs/performance.md).
--
-- 1. Keys on the driving table. The four one-to-one tables stay the place every write goes to;
--    `equipment` carries a read copy of their columns (k_<column>), kept by statement-level
--    triggers on the sections (a row whose copy is already right is not rewritten, so a bulk
--    insert that fills the keys itself costs one write per row). The views equipment_full / equipment_active read every column from
--    `equipment` alone, so any sort, filter or search of the grid is one table's index: a
--    partial (column, id) index per grid column walks the sort order and stops at the page.
-- 2. Search: pg_trgm GIN indexes on the searchable text (the same fields as before, through the
--    immutable functions below, which the list query calls as written).
-- 3. Counts by (department, state, due date) kept by triggers: the header summary sums them.
--    Due dates, not statuses, since the status depends on today; the due date is kept only for
--    instruments in work (the only state whose status depends on it), archived ones by department.
-- 4. The register's data version: one row bumped by every statement that writes the register, in
--    the writing transaction. A total read together with the version (one snapshot) stays valid
--    while the version does, in every server process on this database.
create extension if not exists pg_trgm;

alter table equipment
  add column k_verification_type text,
  add column k_registry_number text,
  add column k_verification_interval integer,
  add column k_verification_date date,
  add column k_verification_due date,
  add column k_verification_plan date,
  add column k_verification_state text,
  add column k_verification_result text,
  add column k_certificate_number text,
  add column k_verification_cost numeric(14, 2),
  add column k_department text,
  add column k_responsible_person text,
  add column k_verifier_org text,
  add column k_budget_item text,
  add column k_code_rate text,
  add column k_cost_rate numeric(14, 2),
  add column k_quantity integer,
  add column k_coefficient numeric(10, 4),
  add column k_total_cost numeric(16, 2),
  add column k_invoice_number text,
  add column k_paid_amount numeric(14, 2),
  add column k_payment_date date,
  add column k_legacy_total_cost numeric(16, 2),
  -- the department's label, searched like the codes' labels (kept on a rename, below)
  add column k_department_label text;

create function equipment_keys_from_verification() returns trigger language plpgsql as $$
begin
  update equipment e set
      k_verification_type = n.verification_type,
      k_registry_number = n.registry_number,
      k_verification_interval = n.verification_interval,
      k_verification_date = n.verification_date,
      k_verification_due = n.verification_due,
      k_verification_plan = n.verification_plan,
      k_verification_state = n.verification_state,
      k_verification_result = n.verification_result,
      k_certificate_number = n.certificate_number,
      k_verification_cost = n.verification_cost
    from new_rows n
    where e.id = n.equipment_id
      and (e.k_verification_type, e.k_registry_number, e.k_verification_interval, e.k_verification_date, e.k_verification_due, e.k_verification_plan, e.k_verification_state, e.k_verification_result, e.k_certificate_number, e.k_verification_cost)
        is distinct from (n.verification_type, n.registry_number, n.verification_interval, n.verification_date, n.verification_due, n.verification_plan, n.verification_state, n.verification_result, n.certificate_number, n.verification_cost);
  return null;
end $$;
create trigger verification_keys_insert after insert on verification
  referencing new table as new_rows for each statement execute function equipment_keys_from_verification();
create trigger verification_keys_update after update on verification
  referencing new table as new_rows for each statement execute function equipment_keys_from_verification();

create function equipment_keys_from_responsibility() returns trigger language plpgsql as $$
begin
  update equipment e set
      k_department = n.department,
      k_responsible_person = n.responsible_person,
      k_verifier_org = n.verifier_org,
      k_department_label = d.label
    from new_rows n
    left join departments d on d.code = n.department
    where e.id = n.equipment_id
      and (e.k_department, e.k_responsible_person, e.k_verifier_org, e.k_department_label)
        is distinct from (n.department, n.responsible_person, n.verifier_org, d.label);
  return null;
end $$;
create trigger responsibility_keys_insert after insert on responsibility
  referencing new table as new_rows for each statement execute function equipment_keys_from_responsibility();
create trigger responsibility_keys_update after update on responsibility
  referencing new table as new_rows for each statement execute function equipment_keys_from_responsibility();

create function equipment_keys_from_finance() returns trigger language plpgsql as $$
begin
  update equipment e set
      k_budget_item = n.budget_item,
      k_code_rate = n.code_rate,
      k_cost_rate = n.cost_rate,
      k_quantity = n.quantity,
      k_coefficient = n.coefficient,
      k_total_cost = n.total_cost,
      k_invoice_number = n.invoice_number,
      k_paid_amount = n.paid_amount,
      k_payment_date = n.payment_date,
      k_legacy_total_cost = n.legacy_total_cost
    from new_rows n
    where e.id = n.equipment_id
      and (e.k_budget_item, e.k_code_rate, e.k_cost_rate, e.k_quantity, e.k_coefficient, e.k_total_cost, e.k_invoice_number, e.k_paid_amount, e.k_payment_date, e.k_legacy_total_cost)
        is distinct from (n.budget_item, n.code_rate, n.cost_rate, n.quantity, n.coefficient, n.total_cost, n.invoice_number, n.paid_amount, n.payment_date, n.legacy_total_cost);
  return null;
end $$;
create trigger finance_keys_insert after insert on finance
  referencing new table as new_rows for each statement execute function equipment_keys_from_finance();
create trigger finance_keys_update after update on finance
  referencing new table as new_rows for each statement execute function equipment_keys_from_finance();

update equipment e set k_verification_type = s.verification_type, k_registry_number = s.registry_number, k_verification_interval = s.verification_interval, k_verification_date = s.verification_date, k_verification_due = s.verification_due, k_verification_plan = s.verification_plan, k_verification_state = s.verification_state, k_verification_result = s.verification_result, k_certificate_number = s.certificate_number, k_verification_cost = s.verification_cost from verification s where s.equipment_id = e.id;
update equipment e set k_department = s.department, k_responsible_person = s.responsible_person, k_verifier_org = s.verifier_org, k_department_label = d.label from responsibility s left join departments d on d.code = s.department where s.equipment_id = e.id;

-- a department's new label reaches the searchable text of its instruments
create function equipment_keys_from_departments() returns trigger language plpgsql as $$
begin
  update equipment e set k_department_label = n.label
    from new_rows n
    where e.k_department = n.code and e.k_department_label is distinct from n.label;
  return null;
end $$;
create trigger departments_keys_update after update on departments
  referencing new table as new_rows for each statement execute function equipment_keys_from_departments();
update equipment e set k_budget_item = s.budget_item, k_code_rate = s.code_rate, k_cost_rate = s.cost_rate, k_quantity = s.quantity, k_coefficient = s.coefficient, k_total_cost = s.total_cost, k_invoice_number = s.invoice_number, k_paid_amount = s.paid_amount, k_payment_date = s.payment_date, k_legacy_total_cost = s.legacy_total_cost from finance s where s.equipment_id = e.id;

-- The searchable text, lower-cased (what the list query matched with lower(concat_ws) before):
-- the instrument's own text fields, those of its sections and its department's label, stored
-- (kept with the row by PostgreSQL); finance text separately (admins).
create function equipment_search_text(
  name text, model text, specs text, factory text, inventory text, year integer,
  registry text, certificate text, person text, verifier text, department text,
  department_label text
) returns text language sql immutable parallel safe
  return lower(concat_ws(' ', name, model, specs, factory, inventory, year::text,
                          registry, certificate, person, verifier, department, department_label));
create function equipment_finance_text(budget_item text, code_rate text, invoice text)
  returns text language sql immutable parallel safe
  return lower(concat_ws(' ', budget_item, code_rate, invoice));

alter table equipment
  add column k_search text generated always as (
    equipment_search_text(equipment_name, equipment_model, equipment_specs, factory_number,
      inventory_number, equipment_year, k_registry_number, k_certificate_number,
      k_responsible_person, k_verifier_org, k_department, k_department_label)
  ) stored,
  add column k_search_finance text generated always as (
    equipment_finance_text(k_budget_item, k_code_rate, k_invoice_number)
  ) stored;
create index equipment_search_idx on equipment using gin (k_search gin_trgm_ops)
  where archived_at is null;
create index equipment_finance_search_idx on equipment using gin (k_search_finance gin_trgm_ops)
  where archived_at is null;

-- Same columns, same order, same values: now from the driving table alone.
drop view equipment_active;
drop view equipment_full;
create view equipment_full as
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
  e.k_verification_type as verification_type,
  e.k_registry_number as registry_number,
  e.k_verification_interval as verification_interval,
  e.k_verification_date as verification_date,
  e.k_verification_due as verification_due,
  e.k_verification_plan as verification_plan,
  e.k_verification_state as verification_state,
  e.k_verification_result as verification_result,
  e.k_certificate_number as certificate_number,
  e.k_verification_cost as verification_cost,
  equipment_status(
    e.k_verification_state,
    e.k_verification_due,
    current_date,
    (select (value #>> '{}')::integer from settings where key = 'expiring_days')
  ) as status,
  e.k_department as department,
  e.k_responsible_person as responsible_person,
  e.k_verifier_org as verifier_org,
  e.k_budget_item as budget_item,
  e.k_code_rate as code_rate,
  e.k_cost_rate as cost_rate,
  e.k_quantity as quantity,
  e.k_coefficient as coefficient,
  e.k_total_cost as total_cost,
  e.k_invoice_number as invoice_number,
  e.k_paid_amount as paid_amount,
  e.k_payment_date as payment_date,
  e.created_at,
  e.updated_at,
  e.updated_by,
  e.archived_at,
  e.archive_reason,
  e.archived_by,
  e.k_legacy_total_cost as legacy_total_cost,
  -- (new, last) the lower-cased text the search matches (below)
  e.k_search as search_text,
  e.k_search_finance as search_finance
from equipment e;

create view equipment_active as
select * from equipment_full where archived_at is null;

-- The grid's sort and filter: (column, id) over the register (active instruments).
drop index equipment_active_name_idx, equipment_active_model_idx, equipment_active_type_idx,
  equipment_active_factory_idx, equipment_active_inventory_idx, equipment_active_year_idx;
create index equipment_by_equipment_name_idx on equipment (equipment_name, id) where archived_at is null;
create index equipment_by_equipment_model_idx on equipment (equipment_model, id) where archived_at is null;
create index equipment_by_equipment_type_idx on equipment (equipment_type, id) where archived_at is null;
create index equipment_by_equipment_specs_idx on equipment (equipment_specs, id) where archived_at is null;
create index equipment_by_factory_number_idx on equipment (factory_number, id) where archived_at is null;
create index equipment_by_inventory_number_idx on equipment (inventory_number, id) where archived_at is null;
create index equipment_by_equipment_year_idx on equipment (equipment_year, id) where archived_at is null;
create index equipment_by_verification_type_idx on equipment (k_verification_type, id) where archived_at is null;
create index equipment_by_registry_number_idx on equipment (k_registry_number, id) where archived_at is null;
create index equipment_by_verification_interval_idx on equipment (k_verification_interval, id) where archived_at is null;
create index equipment_by_verification_date_idx on equipment (k_verification_date, id) where archived_at is null;
create index equipment_by_verification_due_idx on equipment (k_verification_due, id) where archived_at is null;
create index equipment_by_verification_plan_idx on equipment (k_verification_plan, id) where archived_at is null;
create index equipment_by_verification_state_idx on equipment (k_verification_state, id) where archived_at is null;
create index equipment_by_verification_result_idx on equipment (k_verification_result, id) where archived_at is null;
create index equipment_by_certificate_number_idx on equipment (k_certificate_number, id) where archived_at is null;
create index equipment_by_verification_cost_idx on equipment (k_verification_cost, id) where archived_at is null;
create index equipment_by_department_idx on equipment (k_department, id) where archived_at is null;
create index equipment_by_responsible_person_idx on equipment (k_responsible_person, id) where archived_at is null;
create index equipment_by_verifier_org_idx on equipment (k_verifier_org, id) where archived_at is null;
create index equipment_by_budget_item_idx on equipment (k_budget_item, id) where archived_at is null;
create index equipment_by_code_rate_idx on equipment (k_code_rate, id) where archived_at is null;
create index equipment_by_cost_rate_idx on equipment (k_cost_rate, id) where archived_at is null;
create index equipment_by_quantity_idx on equipment (k_quantity, id) where archived_at is null;
create index equipment_by_coefficient_idx on equipment (k_coefficient, id) where archived_at is null;
create index equipment_by_total_cost_idx on equipment (k_total_cost, id) where archived_at is null;
create index equipment_by_invoice_number_idx on equipment (k_invoice_number, id) where archived_at is null;
create index equipment_by_paid_amount_idx on equipment (k_paid_amount, id) where archived_at is null;
create index equipment_by_payment_date_idx on equipment (k_payment_date, id) where archived_at is null;
create index equipment_by_legacy_total_cost_idx on equipment (k_legacy_total_cost, id) where archived_at is null;
create index equipment_by_state_due_idx on equipment (k_verification_state, k_verification_due) where archived_at is null;
create index equipment_by_department_due_idx on equipment (k_department, k_verification_due) where archived_at is null;
create index equipment_by_id_idx on equipment (id) where archived_at is null;
create index equipment_by_version_idx on equipment (version, id) where archived_at is null;

-- The counts the header summary sums: active instruments by department, state and due date (due
-- only in work; 'infinity' otherwise), archived ones by department (state 'archived').
create table register_counts (
  department text not null,
  state text not null,
  due date not null,
  n integer not null,
  primary key (department, state, due)
);

create function register_count_key_state(state text, archived timestamptz) returns text
  language sql immutable parallel safe
  return case when archived is not null then 'archived' else state end;
create function register_count_key_due(state text, due date, archived timestamptz) returns date
  language sql immutable parallel safe
  return case when archived is null and state = 'state_work' then due else 'infinity'::date end;

create function register_counts_apply() returns trigger language plpgsql as $$
begin
  -- an instrument counts once its department and state are written (the same transaction)
  if tg_op = 'INSERT' then
    insert into register_counts as c (department, state, due, n)
    select k_department, register_count_key_state(k_verification_state, archived_at),
           register_count_key_due(k_verification_state, k_verification_due, archived_at), count(*)
    from new_rows
    where k_department is not null and k_verification_state is not null
    group by 1, 2, 3
    on conflict (department, state, due) do update set n = c.n + excluded.n;
  elsif tg_op = 'DELETE' then
    insert into register_counts as c (department, state, due, n)
    select k_department, register_count_key_state(k_verification_state, archived_at),
           register_count_key_due(k_verification_state, k_verification_due, archived_at), -count(*)
    from old_rows
    where k_department is not null and k_verification_state is not null
    group by 1, 2, 3
    on conflict (department, state, due) do update set n = c.n + excluded.n;
  else
    insert into register_counts as c (department, state, due, n)
    select department, state, due, sum(d)
    from (
      select k_department as department,
             register_count_key_state(k_verification_state, archived_at) as state,
             register_count_key_due(k_verification_state, k_verification_due, archived_at) as due,
             -1 as d
      from old_rows
      where k_department is not null and k_verification_state is not null
      union all
      select k_department, register_count_key_state(k_verification_state, archived_at),
             register_count_key_due(k_verification_state, k_verification_due, archived_at), 1
      from new_rows
      where k_department is not null and k_verification_state is not null
    ) delta
    group by 1, 2, 3
    having sum(d) <> 0
    on conflict (department, state, due) do update set n = c.n + excluded.n;
  end if;
  return null;
end $$;
create trigger equipment_counts_insert after insert on equipment
  referencing new table as new_rows for each statement execute function register_counts_apply();
create trigger equipment_counts_update after update on equipment
  referencing old table as old_rows new table as new_rows
  for each statement execute function register_counts_apply();
create trigger equipment_counts_delete after delete on equipment
  referencing old table as old_rows for each statement execute function register_counts_apply();

insert into register_counts (department, state, due, n)
select k_department, register_count_key_state(k_verification_state, archived_at),
       register_count_key_due(k_verification_state, k_verification_due, archived_at), count(*)
from equipment
where k_department is not null and k_verification_state is not null
group by 1, 2, 3;

-- The register's data version (totals cache, domain/equipment/totals.ts).
create table register_version (
  id boolean primary key default true check (id),
  version bigint not null default 1
);
insert into register_version (id) values (true);

create function register_version_bump() returns trigger language plpgsql as $$
begin
  update register_version set version = version + 1 where id;
  return null;
end $$;

create trigger equipment_bumps_register_version after insert or update or delete or truncate on equipment
  for each statement execute function register_version_bump();
create trigger verification_bumps_register_version after insert or update or delete or truncate on verification
  for each statement execute function register_version_bump();
create trigger responsibility_bumps_register_version after insert or update or delete or truncate on responsibility
  for each statement execute function register_version_bump();
create trigger finance_bumps_register_version after insert or update or delete or truncate on finance
  for each statement execute function register_version_bump();
create trigger verification_history_bumps_register_version after insert or update or delete or truncate on verification_history
  for each statement execute function register_version_bump();
create trigger departments_bumps_register_version after insert or update or delete or truncate on departments
  for each statement execute function register_version_bump();
