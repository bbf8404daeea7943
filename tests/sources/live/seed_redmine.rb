# Seed a Redmine 5.0 database with the test data of tests/sources/live/redmine_seed.py.
#
# Run once by `rails runner` (Rails boots slowly: everything happens in this one run).
# The REST API cannot backdate anything, so issues, journals and time entries are
# created here and their timestamps set directly (UTC, as Redmine stores them).
# Input: the JSON file named by SEED_SPEC; output: ids and API keys in SEED_OUT.
require 'json'

ActionMailer::Base.perform_deliveries = false
spec = JSON.parse(File.read(ENV.fetch('SEED_SPEC')))

Setting.rest_api_enabled = '1'
Setting.default_language = 'fr'
Setting.notified_events = []
Setting.login_required = '0'

# The package loads English default data unless rebuilt in French (REDMINE.md): give
# the records their French names either way.
def rename(klass, pairs)
  pairs.each do |english, french|
    record = klass.find_by(name: french) || klass.find_by(name: english)
    record&.update_columns(name: french)
  end
end
rename(IssueStatus, [%w[New Nouveau], ['In Progress', 'En cours'], %w[Resolved Résolu],
                     %w[Feedback Commentaire], %w[Closed Fermé], %w[Rejected Rejeté]])
rename(Tracker, [%w[Bug Anomalie], %w[Feature Evolution], %w[Support Assistance]])
rename(IssuePriority, [%w[Low Bas], %w[Normal Normal], %w[High Haut], %w[Urgent Urgent],
                       %w[Immediate Immédiat]])
rename(TimeEntryActivity, [%w[Design Conception], %w[Development Développement]])
IssueStatus.find_by(name: 'En attente client') ||
  IssueStatus.create!(name: 'En attente client', is_closed: false)

admin = User.find_by_login('admin')
admin.update_columns(must_change_passwd: false, language: 'fr')

users = { 'admin' => admin }
spec['users'].each do |u|
  user = User.new(firstname: u['firstname'], lastname: u['lastname'], mail: u['mail'],
                  language: 'fr')
  user.login = u['login']
  user.password = user.password_confirmation = 'Secret-123456'
  user.status = User::STATUS_ACTIVE
  user.save!
  users[u['login']] = user
end

developer = Role.find_by(name: 'Développeur') || Role.find_by(name: 'Developer')
projects = {}
spec['projects'].each do |p|
  project = Project.new(name: p['name'], identifier: p['identifier'], is_public: p['public'])
  project.parent = projects[p['parent']] if p['parent']
  project.enabled_module_names = %w[issue_tracking time_tracking]
  project.trackers = Tracker.all
  project.save!
  p['members'].each do |login|
    Member.create!(project: project, principal: users[login], roles: [developer])
  end
  projects[p['identifier']] = project
end

lookups = {
  'status' => ->(name) { IssueStatus.find_by!(name: name) },
  'priority' => ->(name) { IssuePriority.find_by!(name: name) },
  'tracker' => ->(name) { Tracker.find_by!(name: name) }
}

issue_ids = {}
spec['issues'].each do |s|
  created = Time.iso8601(s['created'])
  issue = Issue.new(project: projects[s['project']], author: admin,
                    subject: s['subject'], estimated_hours: s['estimate'])
  issue.tracker = lookups['tracker'].call(s['tracker'])
  issue.status = lookups['status'].call(s['status'])
  issue.priority = lookups['priority'].call(s['priority'])
  issue.save!
  current = { 'status' => issue.status_id, 'priority' => issue.priority_id,
              'tracker' => issue.tracker_id }
  closed_on = nil
  updated_on = created
  s['changes'].each do |at, attribute, value|
    time = Time.iso8601(at)
    new_id = lookups[attribute].call(value).id
    journal = Journal.new(journalized: issue, user: admin, notes: '')
    journal.details << JournalDetail.new(property: 'attr', prop_key: "#{attribute}_id",
                                         old_value: current[attribute].to_s,
                                         value: new_id.to_s)
    journal.save!
    journal.update_columns(created_on: time)
    current[attribute] = new_id
    closed_on = time if attribute == 'status' && IssueStatus.find(new_id).is_closed
    updated_on = time
  end
  issue.update_columns(status_id: current['status'], priority_id: current['priority'],
                       tracker_id: current['tracker'], created_on: created,
                       updated_on: updated_on, closed_on: closed_on)
  issue_ids[s['name']] = issue.id
end

entry_ids = {}
spec['entries'].each do |e|
  entry = TimeEntry.new(project: projects[e['project']], user: users[e['user']],
                        author: admin, hours: e['hours'], spent_on: Date.iso8601(e['day']),
                        comments: e['comment'])
  entry.issue = Issue.find(issue_ids[e['issue']]) if e['issue']
  entry.activity = TimeEntryActivity.find_by!(name: e['activity'])
  entry.save!
  entry.update_columns(created_on: Time.iso8601(e['created']),
                       updated_on: Time.iso8601(e['updated']))
  entry_ids[e['name']] = entry.id
end

File.write(ENV.fetch('SEED_OUT'), JSON.generate(
  'issues' => issue_ids,
  'entries' => entry_ids,
  'projects' => projects.transform_values(&:id),
  'keys' => users.transform_values(&:api_key)
))
