Gem::Specification.new do |s|
end
