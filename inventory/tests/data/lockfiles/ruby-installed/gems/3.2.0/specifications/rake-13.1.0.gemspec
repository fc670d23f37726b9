# -*- encoding: utf-8 -*-
# stub: rake 13.1.0 ruby lib

Gem::Specification.new do |s|
  s.name = "rake".freeze
  s.version = "13.1.0".freeze

  s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
  s.authors = ["Hiroshi SHIBATA".freeze]
  s.summary = "Rake is a Make-like program implemented in Ruby".freeze
end
