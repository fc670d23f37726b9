# stub: nokogiri 1.15.4 x86_64-linux lib
Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.15.4".freeze
  s.platform = "x86_64-linux".freeze
end
